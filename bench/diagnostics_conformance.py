"""Static diagnostics against Csound's own verdict on every csound-doc example.

Two numbers (goals from the diagnostics issue):
- files Csound accepts that get an error-severity diagnostic from us (goal: at most 1%);
- files Csound rejects where we report an error on the line Csound names (goal: at least 95%).

Csound's verdicts come from bench/csound_verdicts.json (made by grammar_conformance.py); for the
rejected files Csound is run again (`--syntax-check-only`) to read the line it names.

Usage: python bench/diagnostics_conformance.py [--examples DIR] [--show N]
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from grammar_conformance import EXAMPLES, Example, collect, load_verdicts

from csound_lsp.analysis.diagnostics import static_findings
from csound_lsp.analysis.findings import Severity
from csound_lsp.csound.messages import LineQuality, parse_messages
from csound_lsp.syntax.document import Document
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
        if raw.severity != Severity.ERROR or raw.line is None or raw.file is not None:
            continue
        lines.add(raw.line)
        if raw.line_quality is LineQuality.MAYBE_EARLY:
            lines.add(raw.line + 1)
        elif raw.line_quality is LineQuality.MAYBE_LATE:
            lines.add(raw.line - 1)
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=Path, default=EXAMPLES)
    parser.add_argument("--show", type=int, default=15)
    args = parser.parse_args(argv)
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
    for line in shown[: args.show]:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
