"""`csound-lsp fix FILE [--write]`: the AI repair loop, kept only when Csound then compiles the file.

Without `--write` the fix is shown as a unified diff on stdout; with it the file is rewritten.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from csound_lsp.cli.assist_common import InputError, read_input, run_with_ai, say
from csound_lsp.cli.highlight import AnswerWriter, colour_wanted

if TYPE_CHECKING:
    from csound_lsp.ai.service import AIService
    from csound_lsp.csound.worker import CsoundChecker

_DIFF_COLOURS = {"+": "\x1b[32m", "-": "\x1b[31m", "@": "\x1b[36m"}


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("fix", help="repair a Csound file's errors with the AI assistant")
    parser.add_argument("file", metavar="FILE", help="the Csound file to repair")
    parser.add_argument("--write", action="store_true", help="rewrite FILE instead of printing a diff")
    parser.add_argument("--attempts", type=int, default=3, metavar="N", help="repair rounds (default 3)")
    parser.set_defaults(run=run)


def unified_diff(before: str, after: str, name: str, *, colour: bool) -> str:
    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{name}", f"b/{name}"
    )
    out: list[str] = []
    for line in lines:
        if not line.endswith("\n"):
            line += "\n"
        start = _DIFF_COLOURS.get(line[:1]) if colour and not line.startswith(("+++", "---")) else None
        out.append(f"{start}{line[:-1]}\x1b[0m\n" if start else line)
    return "".join(out)


def run(args: argparse.Namespace) -> int:
    if args.attempts < 1:
        say("--attempts must be at least 1")
        return 2
    try:
        text, path = read_input(args.file, allow_stdin=False)
    except InputError as exc:
        say(str(exc))
        return 2
    live = sys.stdout.isatty()

    async def work(service: AIService, checker: CsoundChecker) -> int:
        from csound_lsp.ai.assistant import fix

        writer = AnswerWriter(sys.stdout) if live else None
        result = await fix(
            text, path=path, service=service, max_attempts=args.attempts, on_token=writer, checker=checker
        )
        if writer is not None and writer.text:
            writer.finish()
        for attempt in result.attempts:
            say(attempt)
        if result.new_text is None:
            if result.remaining_errors:
                say("no fix left the file free of errors; still reported:")
                for error in result.remaining_errors:
                    say(f"  {error}")
                return 1
            return 0  # nothing to fix
        if args.write:
            Path(args.file).write_text(result.new_text, encoding="utf-8")
            say(f"fixed {args.file}")
        else:
            sys.stdout.write(
                unified_diff(text, result.new_text, Path(args.file).name, colour=colour_wanted(sys.stdout))
            )
        return 0

    return run_with_ai(work)
