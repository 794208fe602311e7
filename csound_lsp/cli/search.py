"""`csound-lsp search "query"`: ranked Csound examples from the index, for people and scripts."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from csound_lsp.cli.index import add_source_arguments, engine_from


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("search", help="search the indexed Csound examples")
    parser.add_argument("query", help="what you are looking for, in words or opcode names")
    parser.add_argument("--top", type=int, default=5, metavar="N", help="how many results (default 5)")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.add_argument("--mode", choices=["auto", "bm25", "dense"], default="auto")
    add_source_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.top < 1:
        print("csound-lsp: --top must be at least 1", file=sys.stderr)
        return 2
    engine = engine_from(args)
    notice = engine.load()
    if not engine.ready:
        print(f"csound-lsp: {notice}", file=sys.stderr)
        return 2
    if notice:
        print(f"csound-lsp: {notice}", file=sys.stderr)
    result = engine.search(args.query, top=args.top, mode=args.mode)
    if result.notice:
        print(f"csound-lsp: {result.notice}", file=sys.stderr)
    if args.format == "json":
        json.dump([hit.to_json() for hit in result.hits], sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    if not result.hits:
        print("no results")
    for rank, hit in enumerate(result.hits, start=1):
        chunk = hit.chunk
        label = f"{chunk.kind} {chunk.name}".strip()
        print(f"{rank}. {chunk.path}:{chunk.start_line}-{chunk.end_line}  {label}  (score {hit.score:.4f})")
        if chunk.info.title:
            print(f"   {chunk.info.title}")
        for line in chunk.text.splitlines()[:8]:
            print(f"   | {line}")
        if chunk.end_line - chunk.start_line + 1 > 8:
            print("   | ...")
        print()
    return 0
