"""`csound-lsp render FILE`: an explicit offline render in a subprocess, with a measured report.

Refuses pieces that can run code outside Csound (`<CsScore bin=...>`, `system`, `system_i`...)
unless `--allow-unsafe` is given: rendering, unlike checking, runs the piece.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

from csound_lsp.csound.render import UnsafeCsoundError, render
from csound_lsp.csound.render_summary import problems, report_lines, report_to_json


def _positive(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not (number > 0.0 and math.isfinite(number)):
        raise argparse.ArgumentTypeError(f"must be a positive number, not {value!r}")
    return number


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("render", help="render a CSD offline and report its levels")
    parser.add_argument("file", metavar="FILE", help="the .csd file to render")
    parser.add_argument("-o", "--output", metavar="OUT.wav", help="keep the audio in this WAV file")
    parser.add_argument(
        "--seconds", type=_positive, metavar="N", help="render at most N seconds of score time"
    )
    parser.add_argument(
        "--timeout", type=_positive, default=120.0, metavar="S", help="wall-clock limit (default 120 s)"
    )
    parser.add_argument(
        "--allow-unsafe",
        action="store_true",
        help="render even if the piece can run external programs (bin= scores, system, system_i)",
    )
    parser.add_argument(
        "--engine",
        default=None,
        metavar="ENGINE",
        help="auto (the csound command, else a Csound library), 6, 7 or a libcsound path",
    )
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        print(f"csound-lsp: {path}: no such file", file=sys.stderr)
        return 2
    try:
        path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"csound-lsp: {path}: cannot read it as text ({exc})", file=sys.stderr)
        return 2
    out = Path(args.output) if args.output else None
    try:
        report = render(
            path, args.seconds, out, args.timeout, allow_unsafe=args.allow_unsafe, engine=args.engine
        )
    except UnsafeCsoundError as exc:
        print(f"csound-lsp: {path}: refusing to render: {'; '.join(exc.reasons)}", file=sys.stderr)
        print("csound-lsp: pass --allow-unsafe to render it anyway, if you trust this file", file=sys.stderr)
        return 2
    except (OSError, ValueError) as exc:
        print(f"csound-lsp: {path}: {exc}", file=sys.stderr)
        return 2
    if args.format == "json":
        json.dump(report_to_json(report), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        for line in report_lines(report, path.name):
            print(line)
    return 1 if problems(report) else 0
