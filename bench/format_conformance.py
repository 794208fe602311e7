#!/usr/bin/env python3
"""Formatting conformance over the Csound manual's examples: formatting must never change meaning.

Usage: python3 bench/format_conformance.py [--examples DIR] [--no-csound] [--limit N] [--list]

For every .csd/.orc/.sco/.udo/.inc example (gzipped ones unpacked in memory) this formats the text
with the default settings and checks that
  1. the token stream (tree-sitter leaves, whitespace excluded) is identical before and after,
  2. formatting the result again changes nothing (idempotence),
  3. Csound's verdict (`csound --syntax-check-only`) is unchanged, for files Csound can check
     (never files with `<CsScore bin=`, which would run a program). Verdicts are cached in
     bench/csound_verdicts.json keyed like bench/grammar_conformance.py: sha256(name NUL text)[:24].
Files whose tree has errors are formatted around the items that hold them, and counted apart.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from grammar_conformance import EXAMPLES, VERDICTS, Example, collect, csound_verdict

from csound_lsp.features.formatting import format_plan, formatted_text
from csound_lsp.settings import FormattingSettings
from csound_lsp.syntax.document import Document
from csound_lsp.syntax.languages import FileKind


@dataclass
class Outcome:
    name: str
    status: str  # unchanged | formatted, each possibly "... (errors)" / "... around errors"
    tokens_same: bool = True
    idempotent: bool = True
    verdict_before: str = "n/a"
    verdict_after: str = "n/a"
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.tokens_same and self.idempotent and self.verdict_before == self.verdict_after


def leaves(document: Document) -> list[tuple[str, bytes]]:
    """Every leaf token of the tree (type and text), in order; whitespace is never a leaf."""
    found: list[tuple[str, bytes]] = []
    cursor = document.tree.walk()
    while True:
        node = cursor.node
        assert node is not None
        if node.child_count == 0:
            found.append((node.type, document.source[node.start_byte : node.end_byte]))
        if node.child_count and cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return found


def _document(example: Example, text: str) -> Document:
    return Document("file:///examples/" + example.name, text, kind=FileKind(example.kind))


def _key(name: str, text: bytes) -> str:
    return hashlib.sha256(name.encode() + b"\0" + text).hexdigest()[:24]


def check(
    example: Example,
    settings: FormattingSettings | None = None,
    verdicts: dict[str, str] | None = None,
    examples_dir: Path = EXAMPLES,
) -> Outcome:
    """Formats one example and checks the three promises; `verdicts` None skips Csound."""
    settings = settings or FormattingSettings()
    text = example.text.decode("utf-8", errors="replace")
    document = _document(example, text)
    result = formatted_text(document, settings)
    partly = bool(format_plan(document, settings).skipped)  # items with syntax errors left alone
    if result == text:
        return Outcome(example.name, "unchanged (errors)" if partly else "unchanged")
    after = _document(example, result)
    outcome = Outcome(example.name, "formatted around errors" if partly else "formatted")
    before_leaves, after_leaves = leaves(document), leaves(after)
    outcome.tokens_same = before_leaves == after_leaves
    if not outcome.tokens_same:
        for index, (a, b) in enumerate(zip(before_leaves, after_leaves, strict=False)):
            if a != b:
                outcome.detail = f"token {index}: {a!r} became {b!r}"
                break
        else:
            outcome.detail = f"{len(before_leaves)} tokens became {len(after_leaves)}"
    again = formatted_text(after, settings)
    outcome.idempotent = again == result
    if not outcome.idempotent and not outcome.detail:
        outcome.detail = "formatting twice changes the text"
    if verdicts is not None:
        outcome.verdict_before = _verdict(example, example.text, verdicts, examples_dir)
        formatted = Example(example.name, example.kind, result.encode("utf-8"), example.suffix)
        outcome.verdict_after = _verdict(formatted, formatted.text, verdicts, examples_dir)
        if outcome.verdict_before != outcome.verdict_after and not outcome.detail:
            outcome.detail = f"csound said {outcome.verdict_before}, then {outcome.verdict_after}"
    return outcome


def _verdict(example: Example, text: bytes, verdicts: dict[str, str], examples_dir: Path) -> str:
    key = _key(example.name, text)
    found = verdicts.get(key)
    if found is None:
        found = csound_verdict(example, examples_dir)
        if found in ("accepted", "rejected"):
            verdicts[key] = found
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--examples", type=Path, default=EXAMPLES)
    parser.add_argument("--no-csound", action="store_true", help="skip Csound verdicts")
    parser.add_argument("--limit", type=int, default=0, help="check only the first N examples")
    parser.add_argument("--list", action="store_true", help="list every failing file")
    args = parser.parse_args(argv)
    examples = collect(args.examples)
    if args.limit:
        examples = examples[: args.limit]
    verdicts: dict[str, str] | None = None
    if not args.no_csound:
        verdicts = json.loads(VERDICTS.read_text()) if VERDICTS.exists() else {}
    before = len(verdicts) if verdicts is not None else 0
    counts: Counter[str] = Counter()
    failures: list[Outcome] = []
    for example in examples:
        outcome = check(example, verdicts=verdicts, examples_dir=args.examples)
        counts[outcome.status] += 1
        if outcome.status.startswith("formatted"):
            counts["csound checked"] += outcome.verdict_before in ("accepted", "rejected")
        if not outcome.ok:
            failures.append(outcome)
    if verdicts is not None and len(verdicts) != before:
        VERDICTS.write_text(json.dumps(verdicts, indent=0, sort_keys=True) + "\n")
    print(f"examples: {len(examples)}")
    for status in (
        "formatted",
        "formatted around errors",
        "unchanged",
        "unchanged (errors)",
        "csound checked",
    ):
        print(f"  {status:24s}: {counts[status]}")
    print(f"  tokens changed : {sum(not o.tokens_same for o in failures)}")
    print(f"  not idempotent : {sum(not o.idempotent for o in failures)}")
    print(f"  verdict changed: {sum(o.verdict_before != o.verdict_after for o in failures)}")
    for outcome in failures if args.list else failures[:20]:
        print(f"  FAIL {outcome.name}: {outcome.detail}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
