#!/usr/bin/env python3
"""Grammar conformance against the Csound manual's examples.

Usage: python3 bench/grammar_conformance.py [--examples DIR] [--no-csound] [--list]

Parses every .csd/.orc/.sco/.udo/.inc example (gzipped ones are unpacked in
memory) with our tree-sitter grammars and counts the files whose tree holds an
ERROR or MISSING node, split by whether `csound --syntax-check-only` accepts
the file. Csound's verdicts are cached in bench/csound_verdicts.json, keyed by
the file's content hash, so reruns are fast. Files with `<CsScore bin=` are
never handed to Csound (it would run the named program).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import tree_sitter

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _grammar_lib import load_languages

EXAMPLES = Path("/usr/share/doc/csound-doc/html/examples")
VERDICTS = Path(__file__).resolve().parent / "csound_verdicts.json"
SUFFIXES = {".csd": "csd", ".orc": "orc", ".udo": "orc", ".inc": "orc", ".sco": "sco"}
CSOUND_TIMEOUT_S = 20


@dataclass
class Example:
    name: str
    kind: str  # csd | orc | sco
    text: bytes
    suffix: str


def collect(examples: Path) -> list[Example]:
    found: list[Example] = []
    for path in sorted(examples.iterdir()):
        name = path.name
        data_suffix = path.suffixes[-2] if name.endswith(".gz") and len(path.suffixes) >= 2 else path.suffix
        if data_suffix not in SUFFIXES:
            continue
        raw = path.read_bytes()
        if name.endswith(".gz"):
            raw = gzip.decompress(raw)
        found.append(Example(name, SUFFIXES[data_suffix], raw, data_suffix))
    return found


def problem_nodes(tree: tree_sitter.Tree, limit: int = 3) -> list[str]:
    """Return up to `limit` descriptions of ERROR/MISSING nodes."""
    found: list[str] = []
    cursor = tree.walk()
    stack = [tree.root_node]
    del cursor
    while stack and len(found) < limit:
        node = stack.pop()
        if not node.has_error and not node.is_missing:
            continue
        if node.is_error:
            found.append(f"ERROR at {node.start_point[0] + 1}:{node.start_point[1] + 1}")
            continue
        if node.is_missing:
            found.append(f"MISSING {node.type} at {node.start_point[0] + 1}:{node.start_point[1] + 1}")
            continue
        stack.extend(reversed(node.children))
    return found


def csound_verdict(example: Example, examples: Path) -> str:
    """Return 'accepted', 'rejected', 'skipped-bin', 'timeout' or 'n/a'."""
    if b"<CsScore bin" in example.text or b"<csscore bin" in example.text.lower():
        return "skipped-bin"
    if example.kind == "sco" or example.suffix == ".inc":
        return "n/a"
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / example.name.removesuffix(".gz")
        target.write_bytes(example.text)
        command = ["csound", "--syntax-check-only", "-n"]
        command += ["--orc", str(target)] if example.kind == "orc" else [str(target)]
        try:
            proc = subprocess.run(
                command,
                cwd=examples,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=CSOUND_TIMEOUT_S,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return "timeout"
    return "accepted" if proc.returncode == 0 else "rejected"


def load_verdicts() -> dict[str, str]:
    if VERDICTS.exists():
        return json.loads(VERDICTS.read_text())
    return {}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=Path, default=EXAMPLES)
    parser.add_argument("--no-csound", action="store_true", help="skip Csound verdicts")
    parser.add_argument("--list", action="store_true", help="list every file with problems")
    args = parser.parse_args(argv)

    languages = load_languages()
    parsers = {kind: tree_sitter.Parser(lang) for kind, lang in languages.items()}
    verdicts = load_verdicts()
    examples = collect(args.examples)

    table: Counter[tuple[str, bool]] = Counter()
    failures: list[tuple[str, str, list[str]]] = []
    for example in examples:
        key = hashlib.sha256(example.name.encode() + b"\0" + example.text).hexdigest()[:24]
        verdict = verdicts.get(key)
        if verdict is None:
            verdict = "unknown" if args.no_csound else csound_verdict(example, args.examples)
            if verdict != "unknown":
                verdicts[key] = verdict
        tree = parsers[example.kind].parse(example.text)
        problems = problem_nodes(tree) if tree.root_node.has_error else []
        if problems and example.suffix == ".inc":
            # An include file may hold score text rather than orchestra code.
            score_tree = parsers["sco"].parse(example.text)
            if not score_tree.root_node.has_error:
                problems = []
        table[(verdict, bool(problems))] += 1
        if problems:
            failures.append((example.name, verdict, problems))

    if not args.no_csound:
        VERDICTS.write_text(json.dumps(verdicts, indent=0, sort_keys=True) + "\n")

    print(f"files: {len(examples)}")
    for verdict in sorted({v for v, _ in table}):
        clean, broken = table[(verdict, False)], table[(verdict, True)]
        total = clean + broken
        print(
            f"  csound {verdict:12s}: {total:5d} files, {clean:5d} clean "
            f"({100.0 * clean / total:6.2f}%), {broken} with ERROR/MISSING"
        )
    accepted_total = table[("accepted", False)] + table[("accepted", True)]
    if accepted_total:
        rate = 100.0 * table[("accepted", False)] / accepted_total
        print(f"clean among files Csound accepts: {rate:.2f}% (target >= 99%)")
    shown = failures if args.list else [f for f in failures if f[1] == "accepted"]
    if shown:
        print("\nfiles with problems" + ("" if args.list else " (Csound accepts them)") + ":")
        for name, verdict, problems in shown:
            print(f"  {name} [{verdict}]: {'; '.join(problems)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
