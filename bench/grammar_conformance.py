#!/usr/bin/env python3
"""Grammar conformance against the Csound manual's examples.

Usage: python3 bench/grammar_conformance.py [--examples DIR] [--no-csound] [--list]
       python3 bench/grammar_conformance.py --public [--half dev|test|all] [--list]

Parses every .csd/.orc/.sco/.udo/.inc example (gzipped ones are unpacked in
memory) with our tree-sitter grammars and counts the files whose tree holds an
ERROR or MISSING node, split by whether `csound --syntax-check-only` accepts
the file. Csound's verdicts are cached in bench/csound_verdicts.json, keyed by
the file's content hash, so reruns are fast. Files with `<CsScore bin=` are
never handed to Csound (it would run the named program).

With --public it reads the public Csound exported by bench/fetch_public_csound.py
(bench/.cache/public, verdicts in its manifest) and reports per source and per
dev/test half: among the files Csound accepts, how many parse with no ERROR or
MISSING node. The test half is kept for measuring: fix the grammar on dev.
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
import _grammar_lib
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


def parse_problems(parsers: dict[str, tree_sitter.Parser], kind: str, suffix: str, text: bytes) -> list[str]:
    """ERROR/MISSING descriptions for one file (an .inc may hold score text instead of orchestra)."""
    tree = parsers[kind].parse(text)
    problems = problem_nodes(tree) if tree.root_node.has_error else []
    if problems and suffix == ".inc" and not parsers["sco"].parse(text).root_node.has_error:
        return []
    return problems


def public_report(parsers: dict[str, tree_sitter.Parser], half: str, show: bool) -> int:
    """Per source and half: accepted files that parse clean."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from fetch_public_csound import CACHE, MANIFEST

    if not MANIFEST.exists():
        print("no manifest: run bench/fetch_public_csound.py first", file=sys.stderr)
        return 2
    entries = json.loads(MANIFEST.read_text())["files"]
    rows: dict[tuple[str, str], Counter[str]] = {}
    failures: list[str] = []
    for entry in entries:
        if half != "all" and entry["half"] != half:
            continue
        verdict = entry.get("verdict", "unknown")
        counts = rows.setdefault((entry["source"], entry["half"]), Counter())
        counts[verdict] += 1
        if verdict != "accepted":
            continue
        text = (CACHE / entry["local"]).read_bytes()
        problems = parse_problems(parsers, entry["kind"], Path(entry["path"]).suffix.lower(), text)
        counts["clean" if not problems else "broken"] += 1
        if problems:
            failures.append(f"  {entry['local']} [{entry['half']}]: {'; '.join(problems)}")
    print(f"{'source':14s} {'half':4s} {'files':>5s} {'accepted':>8s} {'clean':>6s} {'clean %':>8s}")
    total: Counter[str] = Counter()
    for (source, part), counts in sorted(rows.items()):
        files = sum(counts[v] for v in ("accepted", "rejected", "unknown", "n/a"))
        accepted = counts["accepted"]
        rate = f"{100.0 * counts['clean'] / accepted:7.2f}%" if accepted else "      -"
        print(f"{source:14s} {part:4s} {files:5d} {accepted:8d} {counts['clean']:6d} {rate:>8s}")
        total.update({"files": files, "accepted": accepted, "clean": counts["clean"]})
    if total["accepted"]:
        share = 100.0 * total["clean"] / total["accepted"]
        sums = f"{total['files']:5d} {total['accepted']:8d} {total['clean']:6d}"
        print(f"{'all':14s} {half:4s} {sums} {share:7.2f}%")
    if show and failures:
        print("\naccepted files with ERROR/MISSING nodes:")
        print("\n".join(failures))
    return 0


def load_verdicts() -> dict[str, str]:
    if VERDICTS.exists():
        verdicts: dict[str, str] = json.loads(VERDICTS.read_text())
        return verdicts
    return {}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=Path, default=EXAMPLES)
    parser.add_argument("--no-csound", action="store_true", help="skip Csound verdicts")
    parser.add_argument("--list", action="store_true", help="list every file with problems")
    parser.add_argument("--public", action="store_true", help="the public Csound in bench/.cache/public")
    parser.add_argument("--half", choices=("dev", "test", "all"), default="all")
    parser.add_argument(
        "--grammars",
        type=Path,
        help="measure another grammars/tree-sitter-csound tree (e.g. an older commit's, from git archive)",
    )
    args = parser.parse_args(argv)

    if args.grammars is not None:
        _grammar_lib.GRAMMARS = args.grammars.resolve()
    languages = load_languages()
    parsers = {kind: tree_sitter.Parser(lang) for kind, lang in languages.items()}
    if args.public:
        return public_report(parsers, args.half, args.list)
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
        problems = parse_problems(parsers, example.kind, example.suffix, example.text)
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
