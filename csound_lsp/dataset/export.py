"""Building, verifying, deduplicating, splitting and writing the instruction pairs.

Every piece is compiled first (a piece Csound rejects gives no pairs); every answer that holds code
is compiled as the CSD it stands for; every fix pair's broken text must make Csound report an
error, and that report is what the pair shows. Compiles run through the worker, one at a time, and
identical texts are compiled once. The held-out split is by piece, so no held-out piece has any pair
in the training file; everything depends only on the seed.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from csound_lsp.ai.prompts import numbered
from csound_lsp.csound.messages import Severity
from csound_lsp.csound.worker import CheckStatus, CsoundChecker
from csound_lsp.dataset.corpus import Piece, load_pieces
from csound_lsp.dataset.formats import Format, record
from csound_lsp.dataset.mutations import KINDS, candidates
from csound_lsp.dataset.pairs import (
    CATEGORIES,
    Category,
    Pair,
    complete_pairs,
    explain_pairs,
    generate_pairs,
    rng_for,
)

__all__ = ["DatasetError", "ExportReport", "build_pairs", "export", "held_out_path", "split"]

MAX_ERRORS_SHOWN = 3


class DatasetError(Exception):
    """The export cannot be made (no corpus, no Csound to verify with); the message says why."""


@dataclass(frozen=True)
class Compiled:
    ok: bool
    errors: tuple[str, ...]


@dataclass
class ExportReport:
    pieces: int = 0
    train: int = 0
    held_out: int = 0
    duplicates: int = 0
    by_category: Counter[str] = field(default_factory=Counter)
    fix_kinds: Counter[str] = field(default_factory=Counter)
    dropped: list[str] = field(default_factory=list)
    compiles: int = 0
    train_path: Path | None = None
    held_out_path: Path | None = None
    held_out_pieces: list[str] = field(default_factory=list)


class _Compiler:
    """Compile-only checks through the worker, cached by text."""

    def __init__(self, checker: CsoundChecker) -> None:
        self.checker = checker
        self.cache: dict[str, Compiled] = {}
        self.count = 0

    async def compile(self, text: str, path: str | None) -> Compiled:
        digest = hashlib.sha256(f"{path}\x00{text}".encode()).hexdigest()
        cached = self.cache.get(digest)
        if cached is not None:
            return cached
        self.count += 1
        result = await self.checker.check(f"dataset://{digest}.csd", 1, text, path)
        if result.status is CheckStatus.UNAVAILABLE:
            raise DatasetError(f"Csound is needed to verify the pairs: {result.notice or 'not available'}")
        errors = tuple(
            f"line {d.line}: {' '.join(d.message.split())}" if d.line else " ".join(d.message.split())
            for d in result.diagnostics
            if d.severity is Severity.ERROR
        )
        compiled = Compiled(result.ok and not errors, errors)
        self.cache[digest] = compiled
        return compiled


def _fix_pair(piece: Piece, broken: str, errors: Sequence[str]) -> Pair:
    listed = "\n".join(f"- {error}" for error in errors[:MAX_ERRORS_SHOWN])
    return Pair(
        "fix",
        piece.id,
        f"Repair this Csound code. The errors reported:\n{listed}\nAnswer with the whole corrected code.",
        f"```\n{numbered(broken)}\n```",
        f"```csound\n{piece.text.strip()}\n```",
        piece.text,
        str(piece.path),
    )


async def _pairs_for_piece(
    piece: Piece, seed: int, categories: Sequence[Category], compiler: _Compiler, report: ExportReport
) -> list[Pair]:
    original = await compiler.compile(piece.text, str(piece.path))
    if not original.ok:
        report.dropped.append(
            f"{piece.id}: Csound rejects the piece itself ({'; '.join(original.errors[:1])})"
        )
        return []
    pairs: list[Pair] = []
    if "generate" in categories:
        pairs += generate_pairs(piece)
    if "explain" in categories:
        pairs += explain_pairs(piece, rng_for(seed, piece.id, "explain"))
    if "complete" in categories:
        pairs += complete_pairs(piece, rng_for(seed, piece.id, "complete"))
    if "fix" in categories:
        for kind, tries in candidates(piece, rng_for(seed, piece.id, "fix")).items():
            for mutation in tries:
                broken = await compiler.compile(mutation.text, str(piece.path))
                if broken.errors:
                    pairs.append(_fix_pair(piece, mutation.text, broken.errors))
                    report.fix_kinds[kind] += 1
                    break
    verified: list[Pair] = []
    for pair in pairs:
        if pair.check is not None:
            compiled = await compiler.compile(pair.check, pair.check_path)
            if not compiled.ok:
                report.dropped.append(f"{piece.id}: a {pair.category} answer does not compile")
                continue
        verified.append(pair)
    return verified


async def build_pairs(
    pieces: Sequence[Piece],
    *,
    seed: int = 0,
    categories: Sequence[Category] = CATEGORIES,
    checker: CsoundChecker | None = None,
    progress: Callable[[str], None] | None = None,
    report: ExportReport | None = None,
) -> list[Pair]:
    """Verified pairs for `pieces`, in corpus order, duplicates removed."""
    report = report if report is not None else ExportReport()
    own = checker is None
    checker = checker if checker is not None else CsoundChecker(timeout_s=20.0)
    compiler = _Compiler(checker)
    pairs: list[Pair] = []
    seen: set[str] = set()
    try:
        for number, piece in enumerate(pieces, 1):
            for pair in await _pairs_for_piece(piece, seed, categories, compiler, report):
                if pair.key in seen:
                    report.duplicates += 1
                    continue
                seen.add(pair.key)
                pairs.append(pair)
            if progress is not None and (number % 10 == 0 or number == len(pieces)):
                progress(f"{number}/{len(pieces)} pieces, {len(pairs)} pairs, {compiler.count} compiles")
    finally:
        if own:
            await checker.close()
    report.pieces = len(pieces)
    report.compiles += compiler.count
    return pairs


def split(pairs: Sequence[Pair], fraction: float, seed: int) -> tuple[list[Pair], list[Pair], list[str]]:
    """(train, held out, held-out piece ids): whole pieces are held out; both lists are shuffled."""
    sources = sorted({pair.source for pair in pairs})
    chosen: set[str] = set()
    if fraction > 0 and len(sources) > 1:
        count = min(len(sources) - 1, max(1, round(len(sources) * fraction)))
        chosen = set(random.Random(seed).sample(sources, count))
    train = [pair for pair in pairs if pair.source not in chosen]
    held = [pair for pair in pairs if pair.source in chosen]
    rng_for(seed, "order").shuffle(train)
    rng_for(seed, "order-held-out").shuffle(held)
    return train, held, sorted(chosen)


def held_out_path(output: Path) -> Path:
    """`pairs.jsonl` -> `pairs.heldout.jsonl`."""
    suffix = output.suffix or ".jsonl"
    return output.with_name(f"{output.stem if output.suffix else output.name}.heldout{suffix}")


def _write(path: Path, pairs: Sequence[Pair], fmt: Format) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    with temporary.open("w", encoding="utf-8") as handle:
        for pair in pairs:
            handle.write(json.dumps(record(pair, fmt), ensure_ascii=False) + "\n")
    os.replace(temporary, path)


def export(
    output: Path,
    *,
    fmt: Format = "sharegpt",
    held_out: float = 0.1,
    seed: int = 0,
    categories: Sequence[Category] = CATEGORIES,
    limit: int | None = None,
    corpus: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> ExportReport:
    """Writes `output` and its held-out companion; raises DatasetError or OSError."""
    try:
        pieces = load_pieces(corpus)
    except (OSError, ValueError, KeyError) as exc:
        raise DatasetError(f"cannot read the corpus: {exc}") from None
    if limit is not None:
        pieces = pieces[:limit]
    if not pieces:
        raise DatasetError("the corpus has no pieces")
    report = ExportReport()
    pairs = asyncio.run(
        build_pairs(pieces, seed=seed, categories=categories, progress=progress, report=report)
    )
    train, held, held_ids = split(pairs, held_out, seed)
    report.train, report.held_out, report.held_out_pieces = len(train), len(held), held_ids
    report.by_category = Counter(pair.category for pair in pairs)
    report.train_path = output
    _write(output, train, fmt)
    if held_out > 0:
        report.held_out_path = held_out_path(output)
        _write(report.held_out_path, held, fmt)
    return report


#: Kinds of mutation, listed for the CLI's summary.
MUTATION_KINDS = KINDS
