"""How fast the backend reads a prompt, learnt from its reports, so inline prompts fit a latency budget.

On a CPU the first token of a suggestion waits for the whole prompt to be processed ("prefill"): a
270M model on one loaded core reads ~60 tokens/s, a 7B coder model on a GPU thousands. One fixed
prompt size is either slow on the first or wasteful on the second. llama.cpp reports `prompt_n` and
`prompt_ms` with every answer, Ollama `prompt_eval_count` and `prompt_eval_duration`; both count only
the tokens really processed (a cached prefix is free), which is the cost a new prompt will pay. When
a server reports nothing, the time to the first token over the prompt's estimated size stands in.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Weight of the newest observation in the running mean (a few requests follow a change in load).
SMOOTHING = 0.3
#: Prompts smaller than this say more about fixed costs than about speed.
MIN_TOKENS = 24


@dataclass
class PrefillSpeed:
    """A running estimate of prompt tokens per second; None until the backend was heard from."""

    tokens_per_s: float | None = None
    observations: int = 0

    def observe(self, tokens: int | None, seconds: float | None) -> None:
        if not tokens or not seconds or tokens < MIN_TOKENS or seconds <= 0:
            return
        rate = tokens / seconds
        if self.tokens_per_s is None:
            self.tokens_per_s = rate
        else:
            self.tokens_per_s += SMOOTHING * (rate - self.tokens_per_s)
        self.observations += 1

    def tokens_within(self, seconds: float, *, floor: int, ceiling: int) -> int:
        """Prompt tokens the backend reads in `seconds`, between `floor` and `ceiling` (`ceiling`
        before anything was measured: the first request teaches the speed)."""
        if self.tokens_per_s is None:
            return ceiling
        return max(floor, min(ceiling, int(self.tokens_per_s * seconds)))
