"""Fix: a repair loop over the items that hold errors, each prompt scoped to one item and budgeted.

For each instrument, UDO or score block with an error (worst first), the model gets that item with
the file's line numbers, the header, the errors (Csound's own words when Csound found them) and the
signatures of the opcodes in it; never the whole file. Its answer replaces exactly those lines; the
file is checked again and the answer kept when it removes errors without adding any. The prompt budget
is learned once and holds for every attempt, and the loop stops at `time_limit_s` with what it learned.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .ailog import AILog
from .budget import estimate_messages, estimate_tokens
from .chatting import OnToken, Timings, chat, fit, log_chat, retrieve, retry
from .filters import extract_code
from .grounding import Retrieval, Retriever, opcodes_in, signature_lines
from .prompts import fix_messages
from .scope import Scope, header_of, item_scope, narrow
from .validate import CheckReport, Problem, added_errors, check_text

if TYPE_CHECKING:
    from csound_lsp.csound.worker import CsoundChecker

    from .service import AIService

FIX_TOKENS = 1200
#: Items repaired per run at most.
MAX_ITEMS = 4
_NUMBERED = re.compile(r"^\s*\d+ \| ?")
_ITEM_START = re.compile(r"^\s*(instr|opcode)\b")
_ITEM_END = re.compile(r"^\s*(endin|endop)\b")


@dataclass
class FixResult:
    #: The whole corrected text, or None when no attempt left it free of errors.
    new_text: str | None
    attempts: list[str]
    remaining_errors: list[str] = field(default_factory=list)
    #: The text with the repairs that helped, when some errors are left (None when none helped).
    improved_text: str | None = None


def _unnumber(code: str) -> str:
    """An answer that kept our `12 | ` line numbers, without them."""
    lines = code.splitlines()
    if lines and all(_NUMBERED.match(line) or not line.strip() for line in lines):
        return "\n".join(_NUMBERED.sub("", line) for line in lines)
    return code


def _splice(text: str, scope: Scope, code: str) -> str:
    lines = text.splitlines(keepends=True)
    replacement = code if code.endswith("\n") else code + "\n"
    return "".join(lines[: scope.start]) + replacement + "".join(lines[scope.end :])


def _strip_extras(code: str, scope: Scope) -> str:
    """Section tags and header lines the model added around an item that did not hold them."""
    if scope.kind == "file":
        return code
    kept = [line for line in code.splitlines() if not re.match(r"^\s*</?Cs\w*[^>]*>\s*$", line, re.I)]
    if scope.kind in ("instrument", "UDO"):
        kept = [line for line in kept if not re.match(r"^\s*(sr|kr|ksmps|nchnls|0dbfs)\s*=", line)]
    return "\n".join(kept)


def _scopes(text: str, errors: list[Problem]) -> list[tuple[Scope, int]]:
    """The items holding errors, with the line of each item's first error; unknown lines last."""
    seen: list[tuple[Scope, int]] = []
    for problem in sorted(errors, key=lambda p: (p.line == 0, p.line)):
        scope = item_scope(text, problem.line or 1)
        if all((s.start, s.end) != (scope.start, scope.end) for s, _ in seen):
            seen.append((scope, problem.line or scope.start + 1))
    return seen[:MAX_ITEMS]


def _inside(problems: list[Problem], scope: Scope) -> list[Problem]:
    inside = [p for p in problems if scope.start < p.line <= scope.end]
    return inside or [p for p in problems if not p.line] or problems[:3]


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
    time_limit_s: float = 240.0,
) -> FixResult:
    """Propose, apply in memory, check, feed the errors back; only a clean whole file is `new_text`."""
    timings = Timings()
    deadline = time.monotonic() + time_limit_s
    report = await check_text(text, path, checker=checker)
    if report.ok:
        return FixResult(None, ["Nothing to fix: no errors were found."], [])
    current, current_report = text, report
    attempts: list[str] = []
    retrieval = Retrieval()
    outcome: str | None = None
    try:
        tried: set[tuple[int, str]] = set()
        for _ in range(MAX_ITEMS):
            pending = [
                (scope, focus)
                for scope, focus in _scopes(current, current_report.errors)
                if (scope.start, scope.kind) not in tried
            ]
            if not pending:
                break
            if time.monotonic() >= deadline:
                attempts.append(f"stopped: the time limit of {time_limit_s:g} s was reached")
                break
            scope, focus = pending[0]
            tried.add((scope.start, scope.kind))
            answer_tokens = _answer_tokens(current, scope)
            budget = await service.budget_tokens("chat", max_tokens=answer_tokens)
            scope = _fitting_scope(current, current_report, scope, focus, budget)
            region = scope.text(current.splitlines(keepends=True))
            names = opcodes_in(region)
            retrieval = await retrieve(retriever, service, " ".join(names[:6]) or "instrument", top=2)
            timings.retrieval_ms += retrieval.seconds * 1000
            repaired = await _repair_item(
                current, current_report, scope, region, names, retrieval, (budget, answer_tokens), deadline,
                service=service, path=path, checker=checker, on_token=on_token, timings=timings,
                attempts=attempts, max_attempts=max_attempts,
            )  # fmt: skip
            if repaired is not None:
                current, current_report = repaired
                if current_report.ok:
                    outcome = "fixed"
                    return FixResult(current, attempts, [])
        outcome = "failed"
        improved = current if current != text else None
        return FixResult(None, attempts, current_report.messages(), improved)
    finally:
        log_chat(
            service,
            log,
            "fix",
            timings,
            retrieval,
            attempts=len(attempts),
            outcome=outcome,
            error=None if outcome else "interrupted",
        )


def _answer_tokens(text: str, scope: Scope) -> int:
    """Room for the answer: about twice the item (a fix rarely grows it), 256 to 1,200 tokens."""
    cost = estimate_tokens(scope.text(text.splitlines(keepends=True)))
    return min(FIX_TOKENS, max(256, 2 * cost + 64))


def _widened(text: str, scope: Scope, code: str) -> Scope:
    """The whole enclosing item when only some of its lines were sent but the answer is the whole
    item (it starts with the `instr` / `opcode` line and ends with `endin` / `endop`)."""
    if scope.kind != "lines":
        return scope
    lines = [line for line in code.splitlines() if line.strip()]
    if not lines or not _ITEM_START.match(lines[0]) or not _ITEM_END.match(lines[-1]):
        return scope
    item = item_scope(text, scope.start + 1)
    return item if item.kind in ("instrument", "UDO") else scope


def _header_for(text: str, scope: Scope) -> str:
    return header_of(text) if scope.kind in ("instrument", "UDO", "lines") else ""


def _fitting_scope(text: str, report: CheckReport, scope: Scope, focus: int, budget: int) -> Scope:
    """`scope`, narrowed around the error until the prompt (instructions, header, errors, two opcode
    facts) fits `budget`: what is sent is exactly what the answer replaces."""
    errors = [p.describe() for p in _inside(report.errors, scope)][:8]
    names = opcodes_in(scope.text(text.splitlines(keepends=True)))
    frame = fix_messages(
        "",
        errors,
        signature_lines(names[:2]),
        [],
        header=_header_for(text, scope),
        first_line=scope.start + 1,
    )
    room = budget - estimate_messages(m.content for m in frame) - 16
    return narrow(text, scope, focus, max(room, 32))


async def _repair_item(
    text: str,
    report: CheckReport,
    scope: Scope,
    region: str,
    names: list[str],
    retrieval: Retrieval,
    budgets: tuple[int, int],
    deadline: float,
    *,
    service: AIService,
    path: str | None,
    checker: CsoundChecker | None,
    on_token: OnToken | None,
    timings: Timings,
    attempts: list[str],
    max_attempts: int,
) -> tuple[str, CheckReport] | None:
    """Up to `max_attempts` answers for one item; the first that removes errors and adds none wins.
    `budgets`: prompt tokens and answer tokens, the same for every attempt."""
    budget, answer_tokens = budgets
    header = _header_for(text, scope)
    errors = [p.describe() for p in _inside(report.errors, scope)][:8]
    signatures = signature_lines(names[:8])
    examples = [example.text for example in retrieval.examples]
    base, _ = await fit(
        service,
        lambda s, e, c: fix_messages(c, errors, s, e, header=header, first_line=scope.start + 1),
        signatures,
        examples,
        region,
        max_tokens=answer_tokens,
        shrink=lambda code, _tokens: code,  # already narrowed to fit: the lines sent are the lines replaced
    )
    messages = base
    label = f"lines {scope.start + 1}-{scope.end}"
    for attempt in range(1, max_attempts + 1):
        left = deadline - time.monotonic()
        if left <= 0:
            attempts.append(f"{label}: stopped, the time limit was reached")
            return None
        try:
            async with asyncio.timeout(left):
                answer = await chat(
                    service,
                    messages,
                    on_token=on_token,
                    max_tokens=answer_tokens,
                    timings=timings,
                    lane="fix",
                )
        except TimeoutError:
            attempts.append(f"{label}: stopped, the time limit was reached mid-answer")
            return None
        code = _strip_extras(_unnumber(extract_code(answer.text)), scope)
        if answer.junk or not code.strip():
            why = answer.junk or "the model answered without code"
            attempts.append(f"{label} attempt {attempt}: {why}")
            messages = retry(base, "", errors, budget)
            continue
        candidate = _splice(text, _widened(text, scope, code), code)
        started = time.perf_counter()
        after = await check_text(candidate, path, checker=checker)
        timings.validation_ms += (time.perf_counter() - started) * 1000
        added = added_errors(report.errors, after.errors)
        if after.ok and candidate != text:
            checked = "static analysis and Csound" if after.csound_checked else "static analysis"
            attempts.append(f"{label} attempt {attempt}: fixed; {checked} report no errors")
            return candidate, after
        if candidate != text and not added and len(after.errors) < len(report.errors):
            attempts.append(f"{label} attempt {attempt}: {len(after.errors)} error(s) left elsewhere")
            return candidate, after
        problems = [p.describe() for p in (added or after.errors)] or ["the answer changed nothing"]
        attempts.append(f"{label} attempt {attempt}: {len(after.errors)} error(s), first: {problems[0]}")
        messages = retry(base, code, problems, budget)
    return None
