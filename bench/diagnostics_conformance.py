"""Static diagnostics against Csound's own verdict on every csound-doc example.

Two numbers (goals from the diagnostics issue):
- files Csound accepts that get an error-severity diagnostic from us (goal: at most 1%);
- files Csound rejects where we report an error on the line Csound names (goal: at least 95%).

Csound's verdicts come from bench/csound_verdicts.json (made by grammar_conformance.py); for the
rejected files Csound is run again (`--syntax-check-only`) to read the line it names.

With --public: the four measures of the real-world issue per source and half (dev/test) on the
public CSDs of bench/.cache/public (fetch_public_csound.py's manifest and Csound 6.18 verdicts):
accepted files with an error from `check --syntax-only`, accepted files with any error from
`check` (static + the real Csound worker, one subprocess), rejected files with our error within one
line of Csound's, and hover on 100 opcodes sampled across the catalog.

Usage: python bench/diagnostics_conformance.py [--examples DIR] [--show N]
       python bench/diagnostics_conformance.py --public [--half dev|test|all] [--no-csound]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from grammar_conformance import EXAMPLES, Example, collect, load_verdicts

from csound_lsp.analysis.diagnostics import static_findings
from csound_lsp.analysis.findings import Finding, Severity
from csound_lsp.csound.messages import LineQuality, parse_messages
from csound_lsp.csound.messages import Severity as RawSeverity
from csound_lsp.syntax.document import Document
from csound_lsp.syntax.focus import full_model
from csound_lsp.syntax.languages import FileKind


def key_of(example: Example) -> str:
    return hashlib.sha256(example.name.encode() + b"\0" + example.text).hexdigest()[:24]


def csound_lines(example: Example, examples: Path) -> set[int]:
    """0-based lines of the errors Csound names (with the neighbour where Csound is known to be off)."""
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / example.name.removesuffix(".gz")
        target.write_bytes(example.text)
        command = ["csound", "--syntax-check-only", "-n"]
        command += ["--orc", str(target)] if example.kind == "orc" else [str(target)]
        proc = subprocess.run(
            command, cwd=examples, capture_output=True, text=True, errors="replace", timeout=30, check=False
        )
    lines: set[int] = set()
    for raw in parse_messages(proc.stdout + proc.stderr, return_code=proc.returncode):
        if raw.severity != RawSeverity.ERROR or raw.line is None or raw.file is not None:
            continue
        lines.add(raw.line)
        if raw.line_quality is LineQuality.MAYBE_EARLY:
            lines.add(raw.line + 1)
        elif raw.line_quality is LineQuality.MAYBE_LATE:
            lines.add(raw.line - 1)
    return lines


# -- public Csound (bench/.cache/public, made by fetch_public_csound.py) ---------------------------
GOTO_OPCODES = ("kgoto", "igoto", "goto", "tigoto", "rigoto", "cggoto", "cigoto", "ckgoto", "cngoto")


def public_csound_messages(path: Path, text: str) -> list[object]:
    """Csound 6.18's error records for a rejected CSD (run on the sanitised text, in its folder)."""
    from csound_lsp.csound.sanitize import sanitize

    clean = sanitize(text, "csd").text
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "check.csd"
        target.write_text(clean, encoding="utf-8", errors="surrogateescape")
        try:
            proc = subprocess.run(
                ["csound", "--syntax-check-only", "-n", "-d", "-m0", str(target)],
                cwd=path.parent,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                errors="replace",
                timeout=30,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return []
    return [
        raw
        for raw in parse_messages(proc.stdout + proc.stderr, return_code=proc.returncode)
        if raw.severity == RawSeverity.ERROR
    ]


def _lines_of(document: Document, start: int, end: int) -> set[int]:
    first = document.index.position(start).line
    last = document.index.position(max(start, end - 1)).line
    return set(range(first, last + 1))


def _include_lines(document: Document, name: str | None) -> set[int]:
    """Lines of the document's `#include`s of `name` (any `#include` when None)."""
    base = Path(name).name if name else None
    return {
        document.index.position(include.ref.start_byte).line
        for include in full_model(document).includes
        if base is None or Path(include.target).name == base
    }


_INCLUDE_LINE = re.compile(r'^[ \t]*#[ \t]*include[ \t]+["|]([^"|\r\n]+)["|]', re.M)


def _reaching(document: Document, path: Path, name: str | None) -> set[int]:
    """The document's `#include` lines through which Csound reached a missing file that an included
    file names (the missing file is not the document's own include): followed beside each file."""
    if not name:
        return set()
    base = Path(name).name
    lines: set[int] = set()
    for include in full_model(document).includes:
        todo, seen = [path.parent / include.target.strip().replace("\\", "/")], set()
        while todo and len(seen) < 50:
            file = todo.pop()
            if file in seen or not file.is_file():
                continue
            seen.add(file)
            names = _INCLUDE_LINE.findall(file.read_text(errors="replace"))
            if any(Path(n.replace("\\", "/")).name == base for n in names):
                lines.add(document.index.position(include.ref.start_byte).line)
                break
            todo += [file.parent / n.strip().replace("\\", "/") for n in names]
    return lines


def _score_lines(document: Document) -> set[int]:
    lines: set[int] = set()
    for section in full_model(document).sections:
        if section.tag == "CsScore":
            lines |= _lines_of(document, section.start_byte, section.end_byte)
    return lines


def _document_line(document: Document, path: Path, reported: int) -> int:
    """The document's 0-based line for a line Csound 6.18 names in it.

    After an `#include` of a file that does not end with a line break, Csound goes on counting from
    the included file's line count: the lines it names after that point are off by the difference.
    """
    segments: list[tuple[int, int]] = [(0, 0)]  # (first document line, Csound's line minus ours)
    for include in full_model(document).includes:
        found = path.parent / include.target.strip()
        if not found.is_file():
            continue  # (the bench must also run on code without include_checks: no import of it)
        data = found.read_bytes()
        if data and not data.endswith((b"\n", b"\r")):
            at = document.index.position(include.ref.start_byte).line  # 0-based
            segments.append((at + 1, data.count(b"\n") - (at + 1)))
    for (first, shift), following in zip(segments, [*segments[1:], (10**9, 0)], strict=True):
        if first <= reported - shift < following[0]:
            return reported - shift
    return reported


def csound_targets(
    document: Document, path: Path, text: str, entry: dict[str, object]
) -> tuple[set[int], str]:
    """The 0-based lines where an error of ours counts as catching Csound's rejection, and why.

    * a line Csound names in the document: that line and its neighbours ("within one line");
    * a line Csound names in an included file: the document's `#include` line that brings it in;
    * a missing include: that `#include` line;
    * no line, orchestra rejected: any line outside the score (Csound's error is in the orchestra or
      the options, and the message says which thing, not where);
    * only the score reader rejects it: any line of the score section (its messages give no line).
    """
    if entry["orchestra"] != "rejected":
        lines = _score_lines(document)
        messages = " ".join(str(m) for m in entry.get("score_messages", []))
        if "#include" in messages:
            lines |= _include_lines(document, None)
        return lines, "score"
    targets: set[int] = set()
    how = "none"
    unlocated = False
    for raw in public_csound_messages(path, text):
        # Run on a file, Csound names the document itself as the outermost file of the chain.
        in_document = raw.file is None or len(raw.include_chain) <= 1
        if raw.line is not None and in_document:
            line = _document_line(document, path, raw.line)
            targets |= {line - 1, line, line + 1}  # parse_messages' 0-based line, within one
            how = "line"
        elif raw.line is not None:
            included = raw.include_chain[:-1]  # innermost first; the last one is the document itself
            targets |= _include_lines(document, included[-1] if included else raw.file)
            how = "include" if how != "line" else how
        elif raw.kind == "include-not-found":
            targets |= _include_lines(document, raw.token) or _reaching(document, path, raw.token)
            how = "include" if how != "line" else how
        else:
            unlocated = True
    if not targets and unlocated:
        all_lines = set(range(document.index.position(len(document.source)).line + 1))
        return all_lines - _score_lines(document), "no line"
    return targets, how


def hover_sample(count: int = 100) -> tuple[int, list[str]]:
    """Hover on `count` opcodes spread evenly over the catalog (the goto family always among them)."""
    from csound_lsp.catalog import default_catalog
    from csound_lsp.features.hover import hover
    from csound_lsp.syntax.document import Position

    names = sorted(default_catalog().names())
    step = max(1, len(names) // (count - len(GOTO_OPCODES)))
    sample = [n for n in GOTO_OPCODES if n in names]
    sample += [n for n in names[::step] if n not in sample][: count - len(sample)]
    missed: list[str] = []
    for name in sample:
        use = f"{name} done\ndone:" if name in GOTO_OPCODES[:3] else name  # goto words need a label
        text = f"instr 1\n{use}\nendin\n"
        document = Document("file:///hover.orc", text, kind=FileKind.ORC)
        if hover(document, Position(1, 1)) is None:
            missed.append(name)
    return len(sample) - len(missed), missed


def public_report(half: str, use_csound: bool, show: int) -> int:
    """The four measures per source and half on the public CSDs."""
    import asyncio

    from fetch_public_csound import CACHE, MANIFEST

    from csound_lsp.analysis.syntax_errors import syntax_errors
    from csound_lsp.cli.check import with_csound
    from csound_lsp.syntax.document import Encoding
    from csound_lsp.syntax.store import read_source

    if not MANIFEST.exists():
        print("no manifest: run bench/fetch_public_csound.py first", file=sys.stderr)
        return 2
    entries = [
        e
        for e in json.loads(MANIFEST.read_text())["files"]
        if e["kind"] == "csd"
        and e.get("verdict") in ("accepted", "rejected")
        and (half == "all" or e["half"] == half)
    ]
    rows: dict[tuple[str, str], Counter[str]] = {}
    shown: list[str] = []
    accepted_docs: list[tuple[str, Document, list[Finding]]] = []
    owner: dict[str, tuple[str, str]] = {}
    places: Counter[str] = Counter()
    missed_places: Counter[str] = Counter()
    for entry in entries:
        path = CACHE / entry["local"]
        counts = rows.setdefault((entry["source"], entry["half"]), Counter())
        decoded = read_source(path)
        document = Document(f"file://{path}", decoded.text, encoding=Encoding.UTF32)
        if entry["verdict"] == "accepted":
            counts["accepted"] += 1
            syntax = syntax_errors(document.tree, document.source)
            syntax = [f for f in syntax if f.severity == Severity.ERROR]
            if syntax:
                counts["syntax_flagged"] += 1
                line = document.index.position(syntax[0].start_byte).line + 1
                shown.append(f"  syntax error on accepted: {entry['local']}:{line}: {syntax[0].message}")
            findings = static_findings(document)
            accepted_docs.append((str(path), document, findings))
            owner[str(path)] = (entry["source"], entry["half"])
            continue
        counts["rejected"] += 1
        errors = [f for f in static_findings(document) if f.severity == Severity.ERROR]
        ours = {document.index.position(f.start_byte).line for f in errors}
        named, how = csound_targets(document, path, decoded.text, entry)
        places[how] += 1
        if ours & named:
            counts["rejected_hit"] += 1
        else:
            missed_places[how] += 1
            shown.append(
                f"  rejected, missed ({how}): {entry['local']}: Csound near "
                f"{sorted(n + 1 for n in named)[:3]}, ours {sorted(n + 1 for n in ours)[:5]}"
            )
    if use_csound and accepted_docs:
        asyncio.run(with_csound(accepted_docs))
    for path, document, findings in accepted_docs:
        errors = [f for f in findings if f.severity == Severity.ERROR]
        if errors:
            rows[owner[path]]["check_flagged"] += 1
            first = errors[0]
            line = document.index.position(first.start_byte).line + 1
            shown.append(f"  check error on accepted: {path}:{line}: {first.message} [{first.source}]")
    measure = "check" if use_csound else "static"
    print(
        f"{'source':14s} {'half':4s} {'accepted':>8s} {'syntax err':>10s} {measure + ' err':>10s} "
        f"{'rejected':>8s} {'on line':>8s}"
    )
    total: Counter[str] = Counter()
    for (source, part), counts in sorted(rows.items()):
        print(_row(source, part, counts))
        total.update(counts)
    print(_row("all", half, total))
    print("goals: syntax <= 0.5%, check <= 1%, on Csound's line >= 97%")
    print(
        "where Csound's error was placed (rejected files): "
        + ", ".join(f"{how} {n} (missed {missed_places[how]})" for how, n in sorted(places.items()))
    )
    answered, missed = hover_sample()
    print(f"hover: {answered}/{answered + len(missed)} sampled opcodes answered (goal 100/100) {missed}")
    for shown_line in shown[:show]:
        print(shown_line)
    return 0


def _row(source: str, part: str, counts: Counter[str]) -> str:
    def share(n: int, d: int) -> str:
        return f"{n:3d} {100.0 * n / d:5.1f}%" if d else "    -     "

    accepted, rejected = counts["accepted"], counts["rejected"]
    return (
        f"{source:14s} {part:4s} {accepted:8d} {share(counts['syntax_flagged'], accepted):>10s} "
        f"{share(counts['check_flagged'], accepted):>10s} {rejected:8d} "
        f"{share(counts['rejected_hit'], rejected):>10s}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=Path, default=EXAMPLES)
    parser.add_argument("--show", type=int, default=15)
    parser.add_argument("--public", action="store_true", help="the public Csound in bench/.cache/public")
    parser.add_argument("--half", choices=["dev", "test", "all"], default="dev")
    parser.add_argument("--no-csound", action="store_true", help="public: static findings only, no worker")
    args = parser.parse_args(argv)
    if args.public:
        return public_report(args.half, not args.no_csound, args.show)
    verdicts = load_verdicts()
    accepted = accepted_flagged = rejected = rejected_hit = rejected_no_line = 0
    shown: list[str] = []
    for example in collect(args.examples):
        verdict = verdicts.get(key_of(example))
        if verdict not in ("accepted", "rejected"):
            continue
        text = example.text.decode("utf-8", errors="replace")
        document = Document(f"file:///{example.name}", text, kind=FileKind(example.kind))
        errors = [f for f in static_findings(document) if f.severity == Severity.ERROR]
        error_lines = {document.index.position(f.start_byte).line for f in errors}
        if verdict == "accepted":
            accepted += 1
            if errors:
                accepted_flagged += 1
                first = errors[0]
                line = document.index.position(first.start_byte).line + 1
                shown.append(f"  accepted but flagged: {example.name}:{line}: {first.message}")
            continue
        rejected += 1
        named = csound_lines(example, args.examples)
        if not named:
            rejected_no_line += 1
            if errors:
                rejected_hit += 1
            else:
                shown.append(f"  rejected, no line from Csound and none from us: {example.name}")
            continue
        if error_lines & named:
            rejected_hit += 1
        else:
            ours = sorted(line + 1 for line in error_lines)[:5]
            theirs = sorted(line + 1 for line in named)
            shown.append(f"  rejected, missed: {example.name}: Csound line(s) {theirs}, ours {ours}")
    print(
        f"accepted by Csound: {accepted} files, {accepted_flagged} with an error from us "
        f"({accepted_flagged / max(accepted, 1):.1%}; goal <= 1%)"
    )
    print(
        f"rejected by Csound: {rejected} files, {rejected_hit} with our error on Csound's line "
        f"({rejected_hit / max(rejected, 1):.1%}; goal >= 95%); {rejected_no_line} where Csound names no line"
    )
    for shown_line in shown[: args.show]:
        print(shown_line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
