"""`csound-lsp` command line: the server and the same analyses for terminals and scripts.

Each command lives in its own module with `add_parser(subparsers)` and `run(args) -> int`; exit
status 0 means success, 1 that problems were reported, 2 bad usage or unreadable input.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from csound_lsp import __version__
from csound_lsp.cli import (
    check,
    dataset,
    doctor,
    explain,
    fix,
    generate,
    index,
    modelfile,
    render,
    search,
    serve,
)

COMMANDS = (serve, check, index, search, explain, generate, fix, render, doctor, dataset, modelfile)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="csound-lsp",
        description="A language server for Csound, with a local AI assistant.",
    )
    parser.add_argument("--version", action="version", version=f"csound-lsp {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        return serve.run(parser.parse_args(["serve"]))
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `csound-lsp check ... | head` closes our stdout early; that is not an error.
        sys.stderr.close()
        return 0
