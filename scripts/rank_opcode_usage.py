#!/usr/bin/env python3
"""Count how often each opcode is used in the Csound manual's examples.

Reads every ``.csd``, ``.orc``, ``.udo`` and ``.inc`` file under the csound-doc examples
folder (``.gz`` copies are decompressed on the fly), keeps only orchestra code (the
``<CsInstruments>`` section of a .csd, the whole of the others), blanks out comments and
strings, splits the rest into identifier tokens and counts each token that is an opcode
name in our catalog. A simple tokeniser is enough here: the counts only rank completion
items and pick which opcodes get a cheat-sheet entry first.

Writes ``csound_lsp/data/opcode_usage.json``: ``{name: count}``, most used first (ties by
name), prints the top N (default 400) and keeps a plain-text copy of
that list in ``docs/opcode-top400.txt`` for the cheat-sheet writers.

Usage: python scripts/rank_opcode_usage.py [--examples DIR] [--top N]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from csound_lsp.catalog.opcodes import Catalog  # noqa: E402

EXAMPLES = Path("/usr/share/doc/csound-doc/html/examples")
OUTPUT = ROOT / "csound_lsp" / "data" / "opcode_usage.json"
TOP_LIST = ROOT / "docs" / "opcode-top400.txt"
SUFFIXES = (".csd", ".orc", ".udo", ".inc")

_INSTRUMENTS = re.compile(r"<CsInstruments>(.*?)</CsInstruments>", re.S | re.I)
# one alternation, scanned left to right, so a ';' inside a string is not a comment
_NOISE = re.compile(
    r'"(?:\\.|[^"\\\n])*"'  # "string"
    r"|\{\{.*?\}\}"  # {{ long string }}
    r"|/\*.*?\*/"  # /* block comment */
    r"|;[^\n]*"  # ; line comment
    r"|//[^\n]*",  # // line comment
    re.S,
)
_TOKEN = re.compile(r"(?<![\w$#.@])[A-Za-z_]\w*")


def orchestra_text(path: Path) -> str:
    """The orchestra code of one example file ('' when it has none)."""
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    text = raw.decode("utf-8", "replace")
    inner = path.name.removesuffix(".gz")
    if inner.endswith(".csd"):
        return "\n".join(m.group(1) for m in _INSTRUMENTS.finditer(text))
    return text


def tokens(code: str) -> list[str]:
    """Identifier tokens outside comments and strings.

    One-letter names (the ``a()``, ``i()``, ``k()`` converters) only count as calls, with a
    ``(`` right after them; otherwise they are almost always variables or score letters.
    """
    clean = _NOISE.sub(" ", code)
    found = []
    for match in _TOKEN.finditer(clean):
        word = match.group()
        if len(word) == 1 and not clean.startswith("(", match.end()):
            continue
        found.append(word)
    return found


def example_files(folder: Path) -> list[Path]:
    found = []
    for path in folder.rglob("*"):
        name = path.name.removesuffix(".gz")
        if path.is_file() and name.endswith(SUFFIXES):
            found.append(path)
    return sorted(found)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="rank opcodes by use in the manual examples")
    parser.add_argument("--examples", type=Path, default=EXAMPLES)
    parser.add_argument("--top", type=int, default=400)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--top-list", type=Path, default=TOP_LIST, help="plain-text copy of the top N")
    args = parser.parse_args(argv)

    names = set(Catalog.load().names())
    files = example_files(args.examples)
    if not files:
        print(f"rank_opcode_usage: no example files under {args.examples}", file=sys.stderr)
        return 2
    counts: Counter[str] = Counter()
    for path in files:
        counts.update(t for t in tokens(orchestra_text(path)) if t in names)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    args.output.write_text(json.dumps(dict(ranked), indent=1) + "\n", encoding="utf-8")
    lines = [f"{rank:4d} {name:24s} {count}" for rank, (name, count) in enumerate(ranked[: args.top], 1)]
    args.top_list.write_text(
        f"# top {args.top} opcodes by use in the csound-doc examples "
        "(scripts/rank_opcode_usage.py; rank, name, count)\n" + "\n".join(lines) + "\n",
        encoding="utf-8",
    )
    print(f"{len(files)} files, {len(ranked)} distinct opcodes used; top {args.top}:")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
