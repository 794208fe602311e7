"""What explain, fix and generate share: one streamed chat turn that stops on junk, prompts fitted to
the model's window (examples dropped first), the follow-up turn of a repair loop, retrieval, timings.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .ailog import AILog
from .base import ChatMessage
from .budget import estimate_messages, estimate_tokens
from .filters import strip_special
from .grounding import Retrieval, Retriever
from .junk import JunkWatch
from .prompts import retry_message

if TYPE_CHECKING:
    from .service import AIService

OnToken = Callable[[str], None]


@dataclass
class Timings:
    started: float = field(default_factory=time.perf_counter)
    retrieval_ms: float = 0.0
    first_token_ms: list[float] = field(default_factory=list)
    generation_ms: list[float] = field(default_factory=list)
    validation_ms: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "retrieval_ms": round(self.retrieval_ms, 2),
            "first_token_ms": round(self.first_token_ms[0], 2) if self.first_token_ms else None,
            "prompt_ms": round(sum(self.first_token_ms), 2),
            "generation_ms": round(sum(self.generation_ms), 2),
            "validation_ms": round(self.validation_ms, 2),
            "total_ms": round((time.perf_counter() - self.started) * 1000, 2),
        }


@dataclass(frozen=True)
class Answer:
    text: str
    #: Why reading stopped early ("" when the model ended on its own or hit the token cap).
    junk: str = ""


_DEFAULT_RETRIEVER: Retriever | None = None


def default_retriever(service: AIService) -> Retriever:
    """One retriever per process over the stored index (loaded on first use, in a thread)."""
    global _DEFAULT_RETRIEVER
    if _DEFAULT_RETRIEVER is None:
        _DEFAULT_RETRIEVER = Retriever(service=service)
    return _DEFAULT_RETRIEVER


def log_for(service: AIService, log: AILog | None) -> AILog:
    return log if log is not None else AILog(enabled=service.settings.log)


def log_chat(
    service: AIService, log: AILog | None, kind: str, timings: Timings, retrieval: Retrieval, **fields: Any
) -> None:
    """One AI log record for a chat feature: its model, timings and the chunks its prompt carried."""
    log_for(service, log).write(
        kind,
        model=service.settings.models.chat,
        timings=timings.as_dict(),
        retrieval_scores=retrieval.scores,
        retrieval_chunks=retrieval.chunks,
        **fields,
    )


def instructions_of(messages: Sequence[ChatMessage]) -> list[str]:
    """The parts of a prompt a model has no reason to repeat: the system prompt and the wording of
    the request (the user's code and the opcode facts taken out)."""
    parts: list[str] = []
    for message in messages:
        if message.role == "system":
            parts.append(message.content)
        elif message.role == "user":
            lines = [line for line in message.content.splitlines() if not line.startswith(("- ", " "))]
            outside = []
            fenced = False
            for line in lines:
                if line.lstrip().startswith("```"):
                    fenced = not fenced
                elif not fenced:
                    outside.append(line)
            parts.append("\n".join(outside))
    return parts


async def chat(
    service: AIService,
    messages: list[ChatMessage],
    *,
    on_token: OnToken | None,
    max_tokens: int,
    timings: Timings,
    lane: str,
) -> Answer:
    """One streamed chat answer, cut off as soon as it is junk (echoed instructions, the same code
    fence or line again and again); the stream is closed however this ends (cancellation included)."""
    sent = time.perf_counter()
    watch = JunkWatch(instructions_of(messages))
    stream = await service.chat(messages, max_tokens=max_tokens, lane=lane, temperature=0.2)
    parts: list[str] = []
    first: float | None = None
    async with stream:
        async for chunk in stream:
            if first is None:
                first = time.perf_counter()
                timings.first_token_ms.append((first - sent) * 1000)
            parts.append(chunk)
            if on_token is not None:
                on_token(chunk)
            if "\n" in chunk and watch.feed("".join(parts)):
                break  # leaving `async with` closes the stream and its connection
    ended = time.perf_counter()
    timings.generation_ms.append((ended - (first or ended)) * 1000)
    text = strip_special("".join(parts))[0]
    return Answer(text, watch.reason or watch.feed(text + "\n"))


async def fit(
    service: AIService,
    build: Callable[[list[str], list[str], str], list[ChatMessage]],
    signatures: list[str],
    examples: list[str],
    code: str,
    *,
    max_tokens: int,
    shrink: Callable[[str, int], str],
) -> tuple[list[ChatMessage], int]:
    """Messages within the chat model's budget, and the budget. Retrieved examples go first, then
    opcode facts beyond the first two, then the code is cut to fit (`shrink(code, tokens)`), then the
    last facts: what is sent always fits, so the backend never has to refuse it."""
    budget = await service.budget_tokens("chat", max_tokens=max_tokens)

    def cost(messages: list[ChatMessage]) -> int:
        return estimate_messages(m.content for m in messages)

    messages = build(signatures, examples, code)
    while cost(messages) > budget and examples:
        examples = examples[:-1]
        messages = build(signatures, examples, code)
    while cost(messages) > budget and len(signatures) > 2:
        signatures = signatures[:-1]
        messages = build(signatures, examples, code)
    if cost(messages) > budget:
        room = budget - (cost(messages) - estimate_tokens(code))
        code = shrink(code, max(room, 0))
        messages = build(signatures, examples, code)
    while cost(messages) > budget and signatures:
        signatures = signatures[:-1]
        messages = build(signatures, examples, code)
    return messages, budget


def retry(
    base: list[ChatMessage], code: str, problems: list[str], budget: int, what: str = "code"
) -> list[ChatMessage]:
    """The next turn of a repair loop: the first request, the last answer's code and what is wrong
    with it; older turns are dropped, and the answer too when it would not fit the same budget."""
    follow = retry_message(problems[:8], what)
    answer = ChatMessage("assistant", f"```csound\n{code.strip()}\n```" if code.strip() else "(no code)")
    messages = [*base, answer, follow]
    if estimate_messages(m.content for m in messages) > budget:
        messages = [*base, follow]
    if estimate_messages(m.content for m in messages) > budget:
        messages = list(base)
    return messages


async def retrieve(retriever: Retriever | None, service: AIService, query: str, top: int) -> Retrieval:
    retriever = retriever if retriever is not None else default_retriever(service)
    return await retriever.search(query, top=top, dense=True, token_budget=900)
