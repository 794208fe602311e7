#!/usr/bin/env python3
"""How much of Csound our opcode knowledge covers.

Prints, for all opcodes and for the live (non-deprecated) ones:
* the share with a signature (at least one overload whose type strings parse; goal 100%);
* the share with our own cheat-sheet description;
and the description share among the most used opcodes (top 40/100/400 in the manual examples)
and weighted by usage. Exit status 0; the numbers are for people and CI logs.

Usage: python scripts/coverage_report.py [--missing N]   (also list the N most used undescribed)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from csound_lsp.catalog import Overload, default_catalog  # noqa: E402
from csound_lsp.catalog.cheatsheet import cheatsheet  # noqa: E402
from csound_lsp.catalog.types import TypeStringError, parse_types  # noqa: E402
from csound_lsp.catalog.usage import most_used, usage_counts  # noqa: E402


def _has_signature(overloads: tuple[Overload, ...]) -> bool:
    for overload in overloads:
        try:
            parse_types(overload.outputs, "out")
            parse_types(overload.inputs, "in")
        except TypeStringError:
            continue
        return True
    return False


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole} ({100.0 * part / whole:.1f}%)" if whole else "0/0"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="opcode knowledge coverage")
    parser.add_argument(
        "--missing", type=int, default=0, help="list the N most used opcodes without a description"
    )
    args = parser.parse_args(argv)

    catalog = default_catalog()
    sheet = cheatsheet()
    everything = list(catalog)
    live = [o for o in everything if not o.deprecated]
    print(f"Csound {catalog.csound_version}: {len(everything)} opcodes ({len(live)} not deprecated)")
    for label, group in (("all", everything), ("live", live)):
        signed = sum(1 for o in group if _has_signature(o.overloads))
        described = sum(1 for o in group if o.name in sheet)
        print(f"  {label:5s} with signature: {_share(signed, len(group))}")
        print(f"  {label:5s} with our description: {_share(described, len(group))}")
    for top in (40, 100, 400):
        names = most_used(top)
        print(f"  top {top:3d} used, described: {_share(sum(1 for n in names if n in sheet), len(names))}")
    counts = usage_counts()
    total = sum(counts.values())
    weighted = sum(c for n, c in counts.items() if n in sheet)
    print(f"  uses in the manual examples covered by a description: {_share(weighted, total)}")
    unknown = sorted(n for n in sheet if n not in catalog)
    if unknown:
        print(f"  cheat-sheet names Csound lacks: {', '.join(unknown)}")
    if args.missing:
        todo = [n for n in counts if n not in sheet][: args.missing]
        print(f"  most used without a description: {' '.join(todo)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
