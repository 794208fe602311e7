"""Explain, fix and generate: the AI assistant's three chat flows, shared by the server and the CLI.

    result = await explain(code, path=None, service=service)           # ExplainResult(markdown, comments)
    result = await generate("warm pad, slow attack", service=service)  # GenerateResult(code, validated, ...)
    result = await fix(text, path="piece.csd", service=service)        # FixResult(new_text or None, ...)

Every answer is grounded (catalog signatures, retrieved examples) and every piece of code a model
writes is checked before it is returned: applied in memory, checked by static analysis and, when a
`CsoundChecker` is given, by Csound itself; the errors go back to the model, up to `max_attempts`.
`AIError` (no backend, timeout, ...) propagates: callers decide how to tell the user.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .ailog import AILog
from .base import ChatMessage
from .budget import estimate_messages, estimate_tokens
from .filters import comment_lines, extract_code, extract_score, strip_special
from .grounding import Retrieval, Retriever, opcodes_in, signature_lines
from .prompts import explain_messages, fix_messages, generate_messages, retry_message
from .validate import CheckReport, Problem, added_errors, check_text

if TYPE_CHECKING:
    from csound_lsp.csound.render import RenderReport
    from csound_lsp.csound.worker import CsoundChecker

    from .service import AIService

OnToken = Callable[[str], None]

DEFAULT_HEADER = "sr = 48000\nksmps = 32\nnchnls = 2\n0dbfs = 1\n"
_INSTR = re.compile(r"^[ \t]*instr[ \t]+([^\s;]+)", re.M)
_UNIT = re.compile(r"^[ \t]*(instr|opcode)[ \t]+([^\s,;]+)", re.M)
_UNIT_END = re.compile(r"^[ \t]*(endin|endop)\b", re.M)


@dataclass(frozen=True)
class ExplainResult:
    markdown: str
    #: The same explanation as `;` comment lines, ready to insert above the code.
    comments: str


@dataclass
class GenerateResult:
    #: The instrument (with the globals or tables it needs), without score.
    code: str
    #: True when the code compiled without errors (and made sound, when a render check was asked for).
    validated: bool
    attempts: list[str]
    render_report: RenderReport | None = None
    #: Score lines that play the instrument ("" when none).
    score: str = ""
    #: A complete CSD holding the instrument and its score, as it was checked.
    csd: str = ""


@dataclass
class FixResult:
    #: The whole corrected text, or None when no attempt left it free of errors.
    new_text: str | None
    attempts: list[str]
    remaining_errors: list[str] = field(default_factory=list)


@dataclass
class _Timings:
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


_DEFAULT_RETRIEVER: Retriever | None = None


def default_retriever(service: AIService) -> Retriever:
    """One retriever per process over the stored index (loaded on first use, in a thread)."""
    global _DEFAULT_RETRIEVER
    if _DEFAULT_RETRIEVER is None:
        _DEFAULT_RETRIEVER = Retriever(service=service)
    return _DEFAULT_RETRIEVER


def _log_for(service: AIService, log: AILog | None) -> AILog:
    return log if log is not None else AILog(enabled=service.settings.log)


async def _chat(
    service: AIService,
    messages: list[ChatMessage],
    *,
    on_token: OnToken | None,
    max_tokens: int,
    timings: _Timings,
    lane: str,
) -> str:
    """One streamed chat answer; the stream is closed however this ends (cancellation included)."""
    sent = time.perf_counter()
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
    ended = time.perf_counter()
    timings.generation_ms.append((ended - (first or ended)) * 1000)
    return strip_special("".join(parts))[0]


async def _fit(
    service: AIService,
    build: Callable[[list[str], list[str]], list[ChatMessage]],
    signatures: list[str],
    examples: list[str],
    max_tokens: int,
) -> tuple[list[ChatMessage], int]:
    """Messages within the chat model's budget (examples go first, then opcode facts), and the budget.

    Still too long means the user's own code does not fit: the backend refuses with ContextTooLong,
    whose message says what to do."""
    budget = await service.budget_tokens("chat", max_tokens=max_tokens)
    messages = build(signatures, examples)
    while estimate_messages(m.content for m in messages) > budget and (examples or signatures):
        if examples:
            examples = examples[:-1]
        else:
            signatures = signatures[:-1]
        messages = build(signatures, examples)
    return messages, budget


def _retry(
    base: list[ChatMessage], code: str, problems: list[str], budget: int, what: str = "code"
) -> list[ChatMessage]:
    """The next turn of a repair loop: the first request, the last answer's code and what is wrong
    with it; older turns are dropped, and the answer too when it would not fit."""
    follow = retry_message(problems[:8], what)
    answer = ChatMessage("assistant", f"```csound\n{code.strip()}\n```" if code.strip() else "(no code)")
    messages = [*base, answer, follow]
    if estimate_messages(m.content for m in messages) > budget:
        messages = [*base, follow]
    return messages


async def _retrieve(retriever: Retriever | None, service: AIService, query: str, top: int) -> Retrieval:
    retriever = retriever if retriever is not None else default_retriever(service)
    return await retriever.search(query, top=top, dense=True, token_budget=900)


# --- explain ---------------------------------------------------------------------------------------


async def explain(
    text: str,
    *,
    path: str | None,
    service: AIService,
    on_token: OnToken | None = None,
    retriever: Retriever | None = None,
    log: AILog | None = None,
    indent: str = "",
) -> ExplainResult:
    """An explanation of a selection, instrument, UDO or opcode line, grounded in the catalog."""
    timings = _Timings()
    names = opcodes_in(text)
    signatures = signature_lines(names[:10])
    retrieval = Retrieval()
    if names:
        retrieval = await _retrieve(retriever, service, " ".join(names[:6]), top=1)
    timings.retrieval_ms = retrieval.seconds * 1000
    examples = [example.text for example in retrieval.examples]
    code = text if estimate_tokens(text) < 2500 else text[:6000] + "\n; ... (cut)"
    messages, _ = await _fit(
        service, lambda s, e: explain_messages(code, s, e), signatures, examples, max_tokens=600
    )
    answered = False
    try:
        answer = await _chat(
            service, messages, on_token=on_token, max_tokens=600, timings=timings, lane="explain"
        )
        answered = True
    finally:
        _log_for(service, log).write(
            "explain",
            model=service.settings.models.chat,
            timings=timings.as_dict(),
            retrieval_scores=retrieval.scores,
            error=None if answered else "failed",
        )
    body = _unwrap_markdown(answer).strip() or "_The model gave no explanation._"
    facts = [
        f"- `{line.split(':', 1)[0]}`:{line.split(':', 1)[1].split(' Arguments:')[0]}"
        for line in signatures
        if ":" in line
    ]
    markdown = body + ("\n\n**Opcodes** (from the Csound catalog)\n" + "\n".join(facts) if facts else "")
    return ExplainResult(markdown, comment_lines(markdown, indent=indent))


def _unwrap_markdown(answer: str) -> str:
    """An answer wholly wrapped in a ```markdown fence, unwrapped."""
    match = re.fullmatch(r"\s*```(?:markdown|md)?\s*\n(.*?)\n\s*```\s*", answer, re.S)
    return match.group(1) if match else answer


# --- fix -------------------------------------------------------------------------------------------


def _unit_span(text: str, line: int) -> tuple[int, int] | None:
    """0-based [start, end) lines of the instrument or UDO holding 1-based `line`."""
    lines = text.splitlines()
    start: int | None = None
    for index, content in enumerate(lines):
        if _UNIT.match(content):
            start = index
        elif _UNIT_END.match(content) and start is not None:
            if start < line <= index + 1:
                return start, index + 1
            start = None
    return None


def _splice(text: str, span: tuple[int, int] | None, code: str) -> str:
    if span is None:
        return code if code.endswith("\n") or not text.endswith("\n") else code + "\n"
    lines = text.splitlines(keepends=True)
    replacement = code if code.endswith("\n") else code + "\n"
    return "".join(lines[: span[0]]) + replacement + "".join(lines[span[1] :])


def _merge_units(original: str, answer: str) -> str | None:
    """An answer that gave back only some instruments of a whole file: those replace their namesakes."""
    units: dict[str, str] = {}
    for match in _UNIT.finditer(answer):
        end = _UNIT_END.search(answer, match.end())
        if end is None:
            continue
        line_end = answer.find("\n", end.start())
        units[match.group(2)] = answer[match.start() : line_end if line_end >= 0 else len(answer)]
    if not units:
        return None
    merged = original
    replaced = False
    for name, body in units.items():
        for match in _UNIT.finditer(merged):
            if match.group(2) != name:
                continue
            end = _UNIT_END.search(merged, match.end())
            if end is None:
                break
            line_end = merged.find("\n", end.start())
            stop = line_end if line_end >= 0 else len(merged)
            merged = merged[: match.start()] + body + merged[stop:]
            replaced = True
            break
    return merged if replaced else None


def _relative(problems: Sequence[Problem], first_line: int) -> list[str]:
    shifted = [Problem(p.line - first_line if p.line else 0, p.code, p.message, p.source) for p in problems]
    return [problem.describe() for problem in shifted]


async def fix(
    text: str,
    *,
    path: str | None,
    service: AIService,
    max_attempts: int = 3,
    on_token: OnToken | None = None,
    checker: CsoundChecker | None = None,
    retriever: Retriever | None = None,
    log: AILog | None = None,
) -> FixResult:
    """A repair loop: propose, apply in memory, check, feed the errors back; only a clean result counts."""
    timings = _Timings()
    report = await check_text(text, path, checker=checker)
    if report.ok:
        return FixResult(None, ["Nothing to fix: no errors were found."], [])
    whole_fits = estimate_tokens(text) <= 1800
    span = None if whole_fits else _unit_span(text, report.errors[0].line)
    first_line = span[0] if span else 0
    region = "".join(text.splitlines(keepends=True)[span[0] : span[1]]) if span else text
    names = opcodes_in(region)
    signatures = signature_lines(names[:8])
    retrieval = await _retrieve(retriever, service, " ".join(names[:6]) or "instrument", top=2)
    timings.retrieval_ms = retrieval.seconds * 1000
    examples = [example.text for example in retrieval.examples]
    errors = _relative(report.errors, first_line)
    base, budget = await _fit(
        service, lambda s, e: fix_messages(region, errors, s, e), signatures, examples, max_tokens=1200
    )
    messages = base
    attempts: list[str] = []
    remaining = report.messages()
    outcome: str | None = None
    try:
        for attempt in range(1, max_attempts + 1):
            answer = await _chat(
                service, messages, on_token=on_token, max_tokens=1200, timings=timings, lane="fix"
            )
            code = extract_code(answer)
            if not code.strip():
                attempts.append(f"attempt {attempt}: the model answered without code")
                messages = _retry(base, "", errors, budget)
                continue
            candidate = _splice(text, span, code)
            if span is None and "<csinstruments>" in text.lower() and "<csinstruments>" not in code.lower():
                candidate = _merge_units(text, code) or candidate
            started = time.perf_counter()
            after = await check_text(candidate, path, checker=checker)
            timings.validation_ms += (time.perf_counter() - started) * 1000
            if after.ok and candidate != text:
                checked = "static analysis and Csound" if after.csound_checked else "static analysis"
                attempts.append(f"attempt {attempt}: fixed; {checked} report no errors")
                outcome = "fixed"
                return FixResult(candidate, attempts, [])
            remaining = after.messages() if not after.ok else ["the answer changed nothing"]
            attempts.append(f"attempt {attempt}: {len(after.errors)} error(s) left, first: {remaining[0]}")
            errors = _relative(after.errors, first_line) if after.errors else ["no change was made"]
            messages = _retry(base, code, errors, budget)
        outcome = "failed"
        return FixResult(None, attempts, remaining)
    finally:
        _log_for(service, log).write(
            "fix",
            model=service.settings.models.chat,
            timings=timings.as_dict(),
            retrieval_scores=retrieval.scores,
            attempts=len(attempts),
            outcome=outcome,
            error=None if outcome else "interrupted",
        )


# --- generate --------------------------------------------------------------------------------------


def _instrument_names(code: str) -> list[str]:
    return [match.group(1) for match in _INSTR.finditer(code)]


def _next_instrument_number(context_text: str) -> int:
    numbers = [int(name) for name in _instrument_names(context_text) if name.isdigit()]
    return max(numbers, default=0) + 1


def _context_summary(context_text: str) -> str:
    header = [
        line.strip()
        for line in context_text.splitlines()
        if re.match(r"\s*(sr|kr|ksmps|nchnls|0dbfs|A4)\s*=", line)
    ]
    names = _instrument_names(context_text)
    globals_ = sorted(set(re.findall(r"\bg[aikS][A-Za-z0-9_]+", context_text)))[:12]
    parts = []
    if header:
        parts.append("Header: " + "; ".join(header))
    if names:
        parts.append("Existing instruments: " + ", ".join(names[:20]))
    if globals_:
        parts.append("Global variables: " + ", ".join(globals_))
    return "\n".join(parts)


def skeleton_csd(orchestra: str, score: str, *, header: str = DEFAULT_HEADER) -> str:
    """A complete, runnable CSD around an orchestra fragment and its score lines."""
    return (
        "<CsoundSynthesizer>\n<CsOptions>\n</CsOptions>\n<CsInstruments>\n"
        f"{header}\n{orchestra.strip()}\n\n</CsInstruments>\n<CsScore>\n{score.strip()}\n</CsScore>\n"
        "</CsoundSynthesizer>\n"
    )


def _default_score(code: str) -> str:
    names = _instrument_names(code)
    if not names:
        return ""
    name = names[-1]
    return f"i {name} 0 2" if name.isdigit() else f'i "{name}" 0 2'


def _with_context(context_text: str, code: str) -> str:
    """The context document with the new code appended to its orchestra."""
    lowered = context_text.lower()
    close = lowered.find("</csinstruments>")
    if close >= 0:
        return context_text[:close] + "\n" + code.strip() + "\n" + context_text[close:]
    return context_text.rstrip("\n") + "\n\n" + code.strip() + "\n"


def _header_of(context_text: str | None) -> str:
    if not context_text:
        return DEFAULT_HEADER
    lines = [
        line for line in context_text.splitlines() if re.match(r"\s*(sr|kr|ksmps|nchnls|0dbfs|A4)\s*=", line)
    ]
    return "\n".join(lines) + "\n" if lines else DEFAULT_HEADER


async def _check_generated(
    code: str, score: str, context_text: str | None, path: str | None, checker: CsoundChecker | None
) -> tuple[CheckReport, str]:
    """Errors the generated code brings (into the context, when given) and the CSD it was checked as."""
    csd = skeleton_csd(code, score, header=_header_of(context_text))
    if context_text is None:
        return await check_text(csd, "generated.csd", checker=checker), csd
    before = await check_text(context_text, path, checker=None)
    combined = _with_context(context_text, code)
    after = await check_text(combined, path, checker=checker)
    report = CheckReport(added_errors(before.errors, after.errors), after.csound_checked, after.seconds)
    return report, csd


async def generate(
    description: str,
    *,
    service: AIService,
    context_text: str | None = None,
    render_check: bool = False,
    on_token: OnToken | None = None,
    max_attempts: int = 3,
    checker: CsoundChecker | None = None,
    retriever: Retriever | None = None,
    log: AILog | None = None,
    path: str | None = None,
) -> GenerateResult:
    """An instrument (and score lines) from a description, validated and optionally rendered."""
    timings = _Timings()
    retrieval = await _retrieve(retriever, service, description, top=3)
    timings.retrieval_ms = retrieval.seconds * 1000
    examples = [example.text for example in retrieval.examples]
    names = opcodes_in("\n".join(examples[:1]))
    signatures = signature_lines(names[:8])
    summary = _context_summary(context_text) if context_text else ""
    hint = f"Number it instr {_next_instrument_number(context_text)}." if context_text else ""
    base, budget = await _fit(
        service,
        lambda s, e: generate_messages(description, s, e, context_summary=summary, instrument_hint=hint),
        signatures,
        examples,
        max_tokens=1200,
    )
    messages = base
    attempts: list[str] = []
    best: GenerateResult | None = None
    validated = False
    try:
        for attempt in range(1, max_attempts + 1):
            answer = await _chat(
                service, messages, on_token=on_token, max_tokens=1200, timings=timings, lane="generate"
            )
            code = extract_code(answer)
            score = extract_score(answer) or _default_score(code)
            if not _instrument_names(code):
                attempts.append(f"attempt {attempt}: the answer held no instrument")
                problems = ["the answer must contain one instr ... endin block"]
                messages = _retry(base, code, problems, budget, "answer")
                continue
            started = time.perf_counter()
            report, csd = await _check_generated(code, score, context_text, path, checker)
            timings.validation_ms += (time.perf_counter() - started) * 1000
            problems = report.messages()
            rendered: RenderReport | None = None
            if not problems and render_check:
                rendered = await _render(csd)
                if rendered is not None and (not rendered.ok or rendered.silent):
                    problems = [f"rendering it for a second gave: {rendered.summary()}"]
            result = GenerateResult(code, not problems, attempts, rendered, score, csd)
            if not problems:
                attempts.append(f"attempt {attempt}: valid" + (f"; {rendered.summary()}" if rendered else ""))
                validated = True
                return result
            attempts.append(f"attempt {attempt}: {len(problems)} problem(s), first: {problems[0]}")
            best = best or result
            messages = _retry(base, code, problems, budget)
        if best is not None:
            return best
        return GenerateResult("", False, attempts)
    finally:
        _log_for(service, log).write(
            "generate",
            model=service.settings.models.chat,
            timings=timings.as_dict(),
            retrieval_scores=retrieval.scores,
            attempts=len(attempts),
            validated=validated,
        )


async def _render(csd: str) -> RenderReport | None:
    """One second of the piece in a subprocess; None when it cannot be rendered here."""
    from csound_lsp.csound.render import UnsafeCsoundError, render

    try:
        return await asyncio.to_thread(render, csd, 1.0, None, 30.0)
    except (UnsafeCsoundError, OSError, ValueError):
        return None
