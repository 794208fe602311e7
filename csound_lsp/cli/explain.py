"""`csound-lsp explain FILE|-`: the editor's "explain" code action, streamed to the terminal."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from csound_lsp.cli.assist_common import InputError, read_input, run_with_ai, say
from csound_lsp.cli.highlight import AnswerWriter

if TYPE_CHECKING:
    from csound_lsp.ai.service import AIService
    from csound_lsp.csound.worker import CsoundChecker


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("explain", help="explain Csound code with the AI assistant")
    parser.add_argument(
        "file", nargs="?", metavar="FILE", help="a Csound file, or - for stdin (default when piped)"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        text, path = read_input(args.file)
    except InputError as exc:
        say(str(exc))
        return 2

    async def work(service: AIService, checker: CsoundChecker) -> int:
        from csound_lsp.ai.assistant import explain

        # Not streamed: what the model writes is cleaned (prompt echo, tags, fences) before it is shown.
        result = await explain(text, path=path, service=service)
        if result.empty:
            say("the model gave no usable explanation (it repeated the prompt or wrote only code)")
            return 1
        writer = AnswerWriter(sys.stdout)
        writer.write(result.markdown + "\n")
        writer.finish()
        return 0

    return run_with_ai(work)
