"""Inline suggestions: debounce, cache, prompt, stream, filter, validate, log.

`InlineEngine.suggest(document, byte_offset, invoked=...)` is what the server's
`textDocument/inlineCompletion` and completion hook call. Automatic requests wait for a pause in
typing (the wait adapts to how fast this user types); explicit ones (`Invoked`) do not. Answers are
kept in a small LRU cache which also serves typing through a shown suggestion: when what was typed
since is the suggestion's start, the rest of it comes back at once without asking the model.
Cancellation (`$/cancelRequest`) cancels the caller's task; the stream closes with it.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import statistics
import time
import uuid
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from csound_lsp.analysis.incremental import IncrementalDiagnostics
from csound_lsp.syntax.document import Document

from .ailog import AILog
from .base import StreamStats
from .budget import estimate_tokens
from .errors import AIError
from .filters import FilterResult, filter_inline
from .grounding import Retrieval, Retriever
from .inline_context import Cursor, InlinePrompt, build_prompt, locate, one_line, retrieval_query
from .line_evidence import Evidence, LineHead, evidence_at, head_at
from .line_repair import arity_for, shaped
from .speed import PrefillSpeed
from .validate import CheckReport, Problem, added_errors, check_text

if TYPE_CHECKING:
    from csound_lsp.csound.worker import CsoundChecker

    from .service import AIService

log = logging.getLogger(__name__)

CACHE_SIZE = 64
#: Prompt tokens for an inline request at most: on a CPU, prompt processing dominates latency, so a
#: one-line suggestion gets about what a bare 1,500-character prompt costs, a block a little more.
INLINE_PROMPT_TOKENS = 1024
LINE_PROMPT_TOKENS = 560
#: Seconds the backend may spend reading an inline prompt (learnt per backend, see `speed.py`): the
#: prompt is cut to what it reads in that time, never below the floors.
PREFILL_BUDGET_S = 2.0
#: Below these, the lines of the instrument above the cursor no longer fit.
LINE_PROMPT_FLOOR, BLOCK_PROMPT_FLOOR = 160, 256
#: Suggestions shown at most (the first is the best): one mid-line, where each costs a Csound check.
MAX_SHOWN, MAX_SHOWN_LINE = 2, 1
#: Debounce bounds in seconds, and the wait before we know how fast this user types.
DEBOUNCE_MIN_S, DEBOUNCE_MAX_S, DEBOUNCE_DEFAULT_S = 0.05, 0.35, 0.15
#: Documents up to this size are also compiled by Csound before a suggestion is shown.
CSOUND_CHECK_BYTES = 40_000


@dataclass(frozen=True)
class Suggestion:
    id: str
    #: Text to insert at the cursor.
    text: str
    #: Validation found no error that the document did not have already.
    clean: bool


@dataclass
class _Entry:
    uri: str
    prefix: str
    suffix: str
    suggestions: list[Suggestion]


@dataclass
class InlineTimings:
    started: float = field(default_factory=time.perf_counter)
    debounce_ms: float = 0.0
    context_ms: float = 0.0
    retrieval_ms: float = 0.0
    first_token_ms: float | None = None
    generation_ms: float = 0.0
    filter_ms: float = 0.0
    validation_ms: float = 0.0

    def as_dict(self) -> dict[str, float | None]:
        total = (time.perf_counter() - self.started) * 1000
        overhead = self.context_ms + self.retrieval_ms + self.filter_ms + self.validation_ms
        return {
            "debounce_ms": round(self.debounce_ms, 2),
            "context_ms": round(self.context_ms, 2),
            "retrieval_ms": round(self.retrieval_ms, 2),
            "first_token_ms": round(self.first_token_ms, 2) if self.first_token_ms is not None else None,
            "generation_ms": round(self.generation_ms, 2),
            "filter_ms": round(self.filter_ms, 2),
            "validation_ms": round(self.validation_ms, 2),
            "overhead_ms": round(overhead, 2),
            "total_ms": round(total, 2),
        }


class _Typing:
    """How fast one document is being typed, from the gaps between automatic requests."""

    def __init__(self) -> None:
        self.gaps: deque[float] = deque(maxlen=8)
        self.last: float | None = None
        self.generation = itertools.count(1)
        self.current = 0

    def delay(self, now: float) -> float:
        if self.last is not None and now - self.last < 2.0:
            self.gaps.append(now - self.last)
        self.last = now
        if not self.gaps:
            return DEBOUNCE_DEFAULT_S
        return min(DEBOUNCE_MAX_S, max(DEBOUNCE_MIN_S, 1.5 * statistics.median(self.gaps)))


class InlineEngine:
    def __init__(
        self,
        service: AIService,
        *,
        retriever: Retriever | None = None,
        log: AILog | None = None,
        checker: Callable[[], CsoundChecker | None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        debounce: bool = True,
    ) -> None:
        self.service = service
        self.retriever = retriever
        self.log = log if log is not None else AILog(enabled=service.settings.log)
        self._checker = checker
        self._clock = clock
        self.debounce = debounce
        self._cache: OrderedDict[tuple[str, int, int, int], _Entry] = OrderedDict()
        self._typing: dict[str, _Typing] = {}
        self._baselines: dict[tuple[str, int], CheckReport] = {}
        self._csound_baselines: dict[tuple[str, int], CheckReport] = {}
        #: Static analysis cached per instrument: candidates differ from the document in one place.
        self._analyzer = IncrementalDiagnostics()
        #: Requests that reached the model; tests and the benchmark read it.
        self.generations = 0
        #: Candidates of the last request dropped because they added an error.
        self.rejected = 0
        #: How fast the backend reads prompts, from its own reports.
        self.prefill = PrefillSpeed()
        #: Mid-line, offer the retrieved examples' calls of the opcode too (the benchmark turns it off
        #: to measure what retrieval adds).
        self.line_examples = True
        self._last_scores: list[float] = []
        self._last_chunks: list[str] = []

    # -- the entry point --

    async def suggest(
        self, document: Document, byte_offset: int, *, invoked: bool, cached_only: bool = False
    ) -> list[Suggestion]:
        """Suggestions for the cursor, best first; [] when AI is off, down, or has nothing good.

        `cached_only` answers from the cache alone (the completion hook, for clients that also ask
        for inline completions: one generation per keystroke is enough)."""
        settings = self.service.settings
        if not settings.enabled or not settings.inline:
            return []
        down = self.service.health.down
        if down is not None:  # known down (perhaps by a background check): answer nothing
            if invoked:  # the user asked for a suggestion: say why there is none, once
                self.service.announce(down)
            return []
        timings = InlineTimings()
        started = time.perf_counter()
        cursor = locate(document, byte_offset)
        if cursor.section == "other":
            return []
        cached = self._lookup(document.uri, cursor.prefix, cursor.suffix)
        if cached is not None:
            self._write(timings, cached, cache="hit")
            return cached
        if cached_only:
            return []
        timings.context_ms += (time.perf_counter() - started) * 1000
        if not invoked and self.debounce:
            typing = self._typing.setdefault(document.uri, _Typing())
            ticket = typing.current = next(typing.generation)
            delay = typing.delay(self._clock())
            await asyncio.sleep(delay)
            timings.debounce_ms = delay * 1000
            if typing.current != ticket:  # a newer keystroke asked meanwhile
                return []
        try:
            suggestions = await self._generate(document, cursor, timings, quiet=not invoked)
        except AIError as error:  # the service has told the user, once
            self._write(timings, [], error=type(error).__name__)
            return []
        self._store(document.uri, cursor.prefix, cursor.suffix, suggestions)
        self._write(timings, suggestions)
        return suggestions

    # -- generation --

    async def _generate(
        self, document: Document, cursor: Cursor, timings: InlineTimings, *, quiet: bool
    ) -> list[Suggestion]:
        """`quiet`: completion while typing, which never tells the user about a missing backend."""
        # A backend that is down must not cost the retrieval index (seconds and ~100 MB to load).
        await self.service.ready(quiet=quiet)
        retrieval = Retrieval()
        line_only = one_line(cursor)
        query = "" if line_only else retrieval_query(cursor)  # examples pay for blocks only
        if query and self.retriever is not None:
            retrieval = await self.retriever.search(query, top=2, dense=False, token_budget=300, max_lines=24)
        timings.retrieval_ms = retrieval.seconds * 1000
        self._last_scores = retrieval.scores
        self._last_chunks = retrieval.chunks
        started = time.perf_counter()
        # Mid-line after an opcode: how this document already calls it gives free candidates.
        head = head_at(document, cursor) if line_only else None
        evidence = await self._evidence(document, cursor, head, timings) if head is not None else []
        if line_only:
            budget = self.prefill.tokens_within(
                PREFILL_BUDGET_S, floor=LINE_PROMPT_FLOOR, ceiling=LINE_PROMPT_TOKENS
            )
        else:
            budget = self.prefill.tokens_within(
                PREFILL_BUDGET_S, floor=BLOCK_PROMPT_FLOOR, ceiling=INLINE_PROMPT_TOKENS
            )
        fim = await self._takes_suffix()
        prompt = build_prompt(document, cursor, retrieval.examples, budget, suffix_in_prefix=not fim)
        timings.context_ms += (time.perf_counter() - started) * 1000
        result = await self._stream(prompt, timings, quiet=quiet)
        text = result.text
        if head is not None and text.strip():
            text = await self._shaped(head, text, prompt, quiet=quiet)
        started = time.perf_counter()
        candidates = [text] if text.strip() else []
        if "\n" in text.strip("\n"):
            first = text.split("\n", 1)[0]
            if first.strip():
                candidates.append(first)
        candidates += [e.text for e in evidence if e.text.strip() not in {c.strip() for c in candidates}]
        shown = MAX_SHOWN_LINE if line_only else MAX_SHOWN
        suggestions = await self._validate(
            document, cursor.char_offset, candidates, shown, line_only=line_only
        )
        timings.validation_ms = (time.perf_counter() - started) * 1000
        return suggestions

    async def _evidence(
        self, document: Document, cursor: Cursor, head: LineHead, timings: InlineTimings
    ) -> list[Evidence]:
        """The document's own calls of the opcode being typed, then (keyword search, a few ms) the
        retrieved examples' calls of it."""
        examples: list[str] = []
        if self.line_examples and self.retriever is not None:
            query = f"{head.opcode.split(':', 1)[0]} {cursor.line_text.strip()}"
            found = await self.retriever.search(query, top=3, dense=False, token_budget=900, max_lines=60)
            timings.retrieval_ms += found.seconds * 1000
            self._last_chunks = found.chunks
            examples = [example.text for example in found.examples]
        return evidence_at(document, cursor, head, examples)

    async def _shaped(self, head: LineHead, text: str, prompt: InlinePrompt, *, quiet: bool) -> str:
        """The model's rest of the line held to the opcode's argument count (see `line_repair`)."""
        arity = arity_for(head)
        if arity is None:
            return text

        async def go_on(written: str) -> str:
            more = replace(prompt, prefix=prompt.prefix + written, suffix=prompt.suffix)
            return (await self._stream(more, InlineTimings(), quiet=quiet)).text

        return await shaped(head, text, arity, go_on)

    async def _takes_suffix(self) -> bool:
        """Whether the completion model gets the code after the cursor natively (insert or FIM)."""
        try:
            caps = await self.service.backend.capabilities(self.service.settings.models.completion)
        except AIError:
            return True  # the request itself will fail and say why
        return caps.insert or caps.fim is not None

    async def _stream(self, prompt: InlinePrompt, timings: InlineTimings, *, quiet: bool) -> FilterResult:
        self.generations += 1
        sent = time.perf_counter()
        stream = await self.service.complete(
            prompt.prefix,
            prompt.suffix,
            max_tokens=prompt.max_tokens,
            stop=prompt.stop,
            temperature=0.1,
            lane="inline",
            quiet=quiet,
        )
        raw = ""
        filter_s = 0.0
        result = FilterResult("", False)
        async with stream:
            async for chunk in stream:
                if timings.first_token_ms is None:
                    timings.first_token_ms = (time.perf_counter() - sent) * 1000
                raw += chunk
                if "\n" in chunk or "`" in chunk or "<" in chunk:
                    begun = time.perf_counter()
                    result = filter_inline(raw, prompt.filter)
                    filter_s += time.perf_counter() - begun
                    if result.complete:
                        break  # leaving `async with` closes the stream and its connection
        timings.generation_ms = (time.perf_counter() - sent) * 1000 - (timings.first_token_ms or 0.0)
        self._learn_speed(stream.stats, prompt, timings)
        if not result.complete:
            begun = time.perf_counter()
            truncated = stream.stats.done_reason == "length"
            result = filter_inline(raw, replace(prompt.filter, truncated=truncated))
            filter_s += time.perf_counter() - begun
        timings.filter_ms = filter_s * 1000
        return result

    async def _csound_baseline(
        self, document: Document, path: str | None, checker: CsoundChecker
    ) -> CheckReport:
        """Csound's own errors in the document as it is, once per version: a candidate is judged by
        the errors it adds, not by those the file already had."""
        key = (document.uri, document.version)
        found = self._csound_baselines.get(key)
        if found is None:
            found = await check_text(document.text, path, checker=checker, csound_limit=CSOUND_CHECK_BYTES)
            self._csound_baselines = {key: found}
        return found

    def _learn_speed(self, stats: StreamStats, prompt: InlinePrompt, timings: InlineTimings) -> None:
        """The server's own prefill report; else the first token's wait over the prompt's size."""
        if stats.prompt_eval_tokens and stats.prompt_eval_s:
            self.prefill.observe(stats.prompt_eval_tokens, stats.prompt_eval_s)
        elif timings.first_token_ms:
            tokens = estimate_tokens(prompt.prefix) + estimate_tokens(prompt.suffix)
            self.prefill.observe(tokens, timings.first_token_ms / 1000)

    async def _validate(
        self,
        document: Document,
        char_offset: int,
        candidates: list[str],
        shown: int = MAX_SHOWN,
        *,
        line_only: bool = False,
    ) -> list[Suggestion]:
        """Each candidate applied in memory and checked; only those adding no error are kept (a
        suggestion that breaks the file is worse than none). Mid-line, the statement being typed
        must also end clean: a parse error left on its line (an `if` with no `goto`) or on the line
        below (its continuation, now read as a statement of its own) counts as added, even though
        the unfinished line had one too."""
        text = document.text
        checker = self._checker() if self._checker is not None and len(text) <= CSOUND_CHECK_BYTES else None
        path = document.uri if document.uri.startswith("file:") else None
        path = path.removeprefix("file://") if path else None
        key = (document.uri, document.version)
        baseline = self._baselines.get(key)
        if baseline is None:
            baseline = await check_text(text, path, checker=None, analyzer=self._analyzer)
            self._baselines = {key: baseline}  # one document at a time is plenty
        kept: list[Suggestion] = []
        self.rejected = 0
        line = text.count("\n", 0, char_offset) + 1 if line_only else 0  # 1-based, the cursor's
        for candidate in candidates:
            applied = text[:char_offset] + candidate + text[char_offset:]
            report = await check_text(applied, path, checker=None, analyzer=self._analyzer)
            added = added_errors(baseline.errors, report.errors) + _left_unparsed(report.errors, line)
            if not added and checker is not None:
                csound = await check_text(applied, path, checker=checker, csound_limit=CSOUND_CHECK_BYTES)
                if csound.csound_checked and csound.errors:  # the file's own errors do not count
                    before = await self._csound_baseline(document, path, checker)
                    added = added_errors(before.errors, csound.errors) + _left_unparsed(csound.errors, line)
            if added:
                self.rejected += 1
                log.debug("inline suggestion dropped: it adds %s", added[0].describe())
                continue
            kept.append(Suggestion(uuid.uuid4().hex[:12], candidate, True))
            if len(kept) >= shown:
                break
        return kept

    # -- cache --

    def _lookup(self, uri: str, prefix: str, suffix: str) -> list[Suggestion] | None:
        key = (uri, len(prefix), hash(prefix), hash(suffix))
        entry = self._cache.get(key)
        if entry is not None:
            self._cache.move_to_end(key)
            return entry.suggestions
        # typing through: the user typed the start of a suggestion we showed
        for entry in reversed(list(self._cache.values())[-8:]):
            if entry.uri != uri or entry.suffix != suffix or not prefix.startswith(entry.prefix):
                continue
            typed = prefix[len(entry.prefix) :]
            rests = [
                replace(s, text=s.text[len(typed) :])
                for s in entry.suggestions
                if s.text.startswith(typed) and len(s.text) > len(typed) and s.text[len(typed) :].strip()
            ]
            if rests:
                return rests
        return None

    def _store(self, uri: str, prefix: str, suffix: str, suggestions: list[Suggestion]) -> None:
        key = (uri, len(prefix), hash(prefix), hash(suffix))
        self._cache[key] = _Entry(uri, prefix, suffix, suggestions)
        self._cache.move_to_end(key)
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)

    def forget(self, uri: str) -> None:
        """Drops a closed document's cache entries and typing history."""
        for key in [key for key in self._cache if key[0] == uri]:
            del self._cache[key]
        self._typing.pop(uri, None)

    # -- log --

    def _write(
        self, timings: InlineTimings, suggestions: list[Suggestion], *, cache: str | None = None,
        error: str | None = None,
    ) -> None:  # fmt: skip
        scores = self._last_scores if cache is None else []
        self.log.write(
            "inline",
            model=self.service.settings.models.completion,
            timings=timings.as_dict(),
            retrieval_scores=scores,
            retrieval_chunks=self._last_chunks if cache is None else [],
            shown=[s.id for s in suggestions],
            clean=[s.clean for s in suggestions],
            cache=cache,
            error=error,
        )


#: Findings that say a statement does not parse as written.
_UNPARSED = frozenset({"syntax-error", "unfinished-condition", "unterminated-string"})


def _left_unparsed(errors: list[Problem], line: int) -> list[Problem]:
    """Parse errors on the completed `line` (1-based; 0: none asked) or the one below it, where a
    line that ends a statement the next line continues (`linseg 0, 1, 1,` then `  0.5, 1, 0`)
    leaves one."""
    if not line:
        return []
    left = []
    for problem in errors:
        parse = problem.code in _UNPARSED or "syntax error" in problem.message.lower()
        continued = problem.line == line + 1 and problem.code == "unknown-opcode"
        if (problem.line in (line, line + 1) and parse) or continued:
            left.append(problem)
    return left
