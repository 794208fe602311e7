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

_FACTS = "\n\n**Opcodes** (from the Csound catalog)\n"


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

        writer = AnswerWriter(sys.stdout)
        result = await explain(text, path=path, service=service, on_token=writer)
        writer.finish()
        facts = result.markdown.find(_FACTS)
        if facts >= 0:
            rest = AnswerWriter(sys.stdout, colour=writer.colour)
            rest.write("\n" + result.markdown[facts + 2 :] + "\n")
            rest.finish()
        return 0

    return run_with_ai(work)
