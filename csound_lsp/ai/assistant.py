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
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .ailog import AILog
from .chatting import OnToken, Timings, chat, default_retriever, fit, log_chat, retrieve, retry
from .explaining import ExplainResult, explain, opcode_facts
from .filters import extract_code, extract_score
from .fixing import FixResult, fix
from .grounding import Retriever, opcodes_in, signature_lines
from .prompts import generate_messages
from .validate import CheckReport, added_errors, check_text

if TYPE_CHECKING:
    from csound_lsp.csound.render import RenderReport
    from csound_lsp.csound.worker import CsoundChecker

    from .service import AIService

__all__ = [
    "DEFAULT_HEADER",
    "ExplainResult",
    "FixResult",
    "GenerateResult",
    "default_retriever",
    "explain",
    "fix",
    "generate",
    "opcode_facts",
    "skeleton_csd",
]

DEFAULT_HEADER = "sr = 48000\nksmps = 32\nnchnls = 2\n0dbfs = 1\n"
_INSTR = re.compile(r"^[ \t]*instr[ \t]+([^\s;]+)", re.M)


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
    timings = Timings()
    retrieval = await retrieve(retriever, service, description, top=3)
    timings.retrieval_ms = retrieval.seconds * 1000
    examples = [example.text for example in retrieval.examples]
    names = opcodes_in("\n".join(examples[:1]))
    signatures = signature_lines(names[:8])
    summary = _context_summary(context_text) if context_text else ""
    hint = f"Number it instr {_next_instrument_number(context_text)}." if context_text else ""
    base, budget = await fit(
        service,
        lambda s, e, d: generate_messages(d, s, e, context_summary=summary, instrument_hint=hint),
        signatures,
        examples,
        description,
        max_tokens=1200,
        shrink=lambda text, tokens: text[: max(tokens, 16) * 3],
    )
    messages = base
    attempts: list[str] = []
    best: GenerateResult | None = None
    validated = False
    try:
        for attempt in range(1, max_attempts + 1):
            reply = await chat(
                service, messages, on_token=on_token, max_tokens=1200, timings=timings, lane="generate"
            )
            if reply.junk:
                attempts.append(f"attempt {attempt}: {reply.junk}")
                messages = retry(base, "", ["the answer must contain one instr ... endin block"], budget)
                continue
            code = extract_code(reply.text)
            score = extract_score(reply.text) or _default_score(code)
            if not _instrument_names(code):
                attempts.append(f"attempt {attempt}: the answer held no instrument")
                problems = ["the answer must contain one instr ... endin block"]
                messages = retry(base, code, problems, budget, "answer")
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
            messages = retry(base, code, problems, budget)
        if best is not None:
            return best
        return GenerateResult("", False, attempts)
    finally:
        log_chat(
            service,
            log,
            "generate",
            timings,
            retrieval,
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
