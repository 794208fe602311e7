"""Counting prompt tokens cheaply and cutting context to fit, so that a server never truncates silently.

Ollama cuts a prompt longer than `num_ctx` from the front without an error, which for a FIM prompt
drops the very tokens that say "prefix starts here". We estimate tokens without the model's tokenizer,
erring high: Csound is dense in digits and punctuation, which code tokenizers (Qwen, Gemma, Llama 3)
give one token each, so a flat characters-per-token ratio undercounts score lines badly.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

#: Letters or underscores, digits one by one, runs of spaces, newlines, any other single character.
_PIECES = re.compile(r"[A-Za-z_]+|\d| +|\t+|\n|[^\sA-Za-z_\d]|\s")
#: Tokens per chat message for role markers and separators in chat templates.
MESSAGE_OVERHEAD = 8
#: Tokens kept free for BOS, FIM markers and rounding.
SAFETY_MARGIN = 16


def estimate_tokens(text: str) -> int:
    """An upper estimate of the tokens `text` takes in common code-model tokenizers."""
    count = 0
    for piece in _PIECES.findall(text):
        first = piece[0]
        if (first.isascii() and (first.isalpha() or first == "_")) or first == " ":
            count += math.ceil(len(piece) / 4)
        elif first == "\t":
            count += len(piece)
        elif first.isascii():
            count += 1
        else:
            count += len(piece.encode("utf-8")) // 2 + 1  # byte-fallback tokens for rare characters
    return count


def estimate_messages(contents: Iterable[str]) -> int:
    return sum(estimate_tokens(text) + MESSAGE_OVERHEAD for text in contents)


def prompt_budget(num_ctx: int, context_length: int | None, max_tokens: int) -> int:
    """Tokens left for the prompt: the window we ask for, capped by the model's, less the answer."""
    window = num_ctx if not context_length else min(num_ctx, context_length)
    return max(0, window - max_tokens - SAFETY_MARGIN)


def context_window(setting: int, server_num_ctx: int | None, context_length: int | None) -> int:
    """The window a prompt must fit: `ai.numCtx` when set (it overrides what the server says), else
    the window the server runs with, else up to the default of the model's trained window
    (`context_length`)."""
    from csound_lsp.settings import DEFAULT_NUM_CTX

    if setting > 0:  # the user's number, capped only by the model's trained window
        return setting if not context_length else min(setting, context_length)
    if server_num_ctx:
        return server_num_ctx if not context_length else min(server_num_ctx, context_length)
    return DEFAULT_NUM_CTX if not context_length else min(DEFAULT_NUM_CTX, context_length)


def _tail_within(text: str, budget: int) -> str:
    """The longest end of `text` within `budget` tokens, starting at a line start when possible."""
    if estimate_tokens(text) <= budget:
        return text
    lines = text.splitlines(keepends=True)
    kept: list[str] = []
    used = 0
    for line in reversed(lines):
        cost = estimate_tokens(line)
        if used + cost > budget:
            break
        kept.append(line)
        used += cost
    if not kept and lines:  # one huge line: keep its end, character by character
        line = lines[-1]
        low, high = 0, len(line)
        while low < high:
            mid = (low + high) // 2
            if estimate_tokens(line[mid:]) <= budget:
                high = mid
            else:
                low = mid + 1
        return line[low:]
    return "".join(reversed(kept))


def _head_within(text: str, budget: int) -> str:
    """The longest start of `text` within `budget` tokens, ending at a line end when possible."""
    if estimate_tokens(text) <= budget:
        return text
    kept: list[str] = []
    used = 0
    for line in text.splitlines(keepends=True):
        cost = estimate_tokens(line)
        if used + cost > budget:
            if not kept:  # one huge line: keep its start
                low, high = 0, len(line)
                while low < high:
                    mid = (low + high + 1) // 2
                    if estimate_tokens(line[:mid]) <= budget:
                        low = mid
                    else:
                        high = mid - 1
                return line[:low]
            break
        kept.append(line)
        used += cost
    return "".join(kept)


def fit_fim(prefix: str, suffix: str, budget: int, *, suffix_share: float = 0.25) -> tuple[str, str, bool]:
    """Prefix and suffix cut to `budget` tokens around the cursor, plus whether anything was cut.

    The text nearest the cursor matters most, so the prefix loses its start and the suffix its end.
    The suffix gets at most `suffix_share` of the budget unless the prefix leaves room over.
    """
    prefix_cost, suffix_cost = estimate_tokens(prefix), estimate_tokens(suffix)
    if prefix_cost + suffix_cost <= budget:
        return prefix, suffix, False
    suffix_budget = min(suffix_cost, int(budget * suffix_share))
    prefix_budget = budget - suffix_budget
    if prefix_cost < prefix_budget:
        suffix_budget = budget - prefix_cost
        prefix_budget = prefix_cost
    return _tail_within(prefix, prefix_budget), _head_within(suffix, suffix_budget), True
