"""`csound-lsp dataset export -o pairs.jsonl`: fine-tuning pairs from the corpus (`csound_lsp.dataset`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, cast

from csound_lsp.dataset import CATEGORIES, FORMATS, Category, DatasetError, export


def _fraction(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not 0.0 <= number < 1.0:
        raise argparse.ArgumentTypeError(f"must be at least 0 and below 1, not {value}")
    return number


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("dataset", help="export fine-tuning pairs made from the Csound corpus")
    actions = parser.add_subparsers(dest="dataset_command", metavar="ACTION")
    exporting = actions.add_parser("export", help="write instruction pairs as JSONL, with a held-out split")
    exporting.add_argument("-o", "--output", required=True, metavar="PAIRS.jsonl")
    exporting.add_argument("--format", choices=FORMATS, default="sharegpt")
    exporting.add_argument(
        "--held-out", type=_fraction, default=0.1, metavar="F", help="share of pieces held back (default 0.1)"
    )
    exporting.add_argument(
        "--seed", type=int, default=0, metavar="N", help="seed for every choice (default 0)"
    )
    exporting.add_argument(
        "--categories",
        default=",".join(CATEGORIES),
        metavar="LIST",
        help=f"comma-separated subset of {','.join(CATEGORIES)}",
    )
    exporting.add_argument(
        "--limit", type=int, metavar="N", help="only the first N pieces (for a quick look)"
    )
    exporting.add_argument("--corpus", metavar="DIR", help="a corpus folder with index.json (default: ours)")
    parser.set_defaults(run=run, dataset_parser=parser)


def run(args: argparse.Namespace) -> int:
    if args.dataset_command != "export":
        args.dataset_parser.print_usage(sys.stderr)
        print("csound-lsp: dataset wants an action: export", file=sys.stderr)
        return 2
    categories = [name.strip() for name in args.categories.split(",") if name.strip()]
    unknown = [name for name in categories if name not in CATEGORIES]
    if unknown or not categories:
        print(f"csound-lsp: unknown categories: {', '.join(unknown) or '(none given)'}", file=sys.stderr)
        return 2
    if args.limit is not None and args.limit < 1:
        print("csound-lsp: --limit must be at least 1", file=sys.stderr)
        return 2
    output = Path(args.output)
    if not output.parent.is_dir():
        print(f"csound-lsp: {output.parent}: no such folder", file=sys.stderr)
        return 2
    if args.corpus and not Path(args.corpus).is_dir():
        print(f"csound-lsp: {args.corpus}: no such folder", file=sys.stderr)
        return 2
    try:
        report = export(
            output,
            fmt=args.format,
            held_out=args.held_out,
            seed=args.seed,
            categories=[cast(Category, name) for name in categories],
            limit=args.limit,
            corpus=Path(args.corpus) if args.corpus else None,
            progress=lambda line: print(f"csound-lsp: {line}", file=sys.stderr),
        )
    except DatasetError as exc:
        print(f"csound-lsp: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"csound-lsp: cannot write {output}: {exc}", file=sys.stderr)
        return 2
    for line in report.dropped:
        print(f"csound-lsp: dropped {line}", file=sys.stderr)
    counts = ", ".join(
        f"{report.by_category[name]} {name}" for name in CATEGORIES if report.by_category[name]
    )
    kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(report.fix_kinds.items()))
    print(f"{report.train + report.held_out} pairs from {report.pieces} pieces ({counts})")
    if kinds:
        print(f"fix pairs by mistake: {kinds}")
    print(f"{report.duplicates} duplicates removed; {report.compiles} Csound compiles to verify")
    print(f"train: {report.train} pairs in {report.train_path}")
    if report.held_out_path is not None:
        print(
            f"held out: {report.held_out} pairs from {len(report.held_out_pieces)} pieces "
            f"in {report.held_out_path}"
        )
    return 0
