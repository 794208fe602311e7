"""`csound-lsp generate "description" [-o out.csd]`: a new instrument, compile-checked before it is kept.

On a terminal the model's answer streams in colour and the checked CSD is written with `-o`;
piped, stdout gets only the finished CSD (so `generate "..." > pad.csd` works).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from csound_lsp.cli.assist_common import run_with_ai, say
from csound_lsp.cli.highlight import AnswerWriter, colour_wanted, highlight

if TYPE_CHECKING:
    from csound_lsp.ai.service import AIService
    from csound_lsp.csound.worker import CsoundChecker


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("generate", help="write a Csound instrument from a description")
    parser.add_argument("description", help="what the instrument should sound like or do")
    parser.add_argument("-o", "--output", metavar="OUT.csd", help="write the complete, checked CSD here")
    parser.add_argument(
        "--render-check", action="store_true", help="also render one second to make sure it makes sound"
    )
    parser.add_argument("--attempts", type=int, default=3, metavar="N", help="repair rounds (default 3)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if not args.description.strip():
        say("the description is empty")
        return 2
    if args.attempts < 1:
        say("--attempts must be at least 1")
        return 2
    output = Path(args.output) if args.output else None
    if output is not None and not output.parent.exists():
        say(f"{output.parent}: no such folder")
        return 2
    live = sys.stdout.isatty()

    async def work(service: AIService, checker: CsoundChecker) -> int:
        from csound_lsp.ai.assistant import generate

        writer = AnswerWriter(sys.stdout) if live else None
        result = await generate(
            args.description,
            service=service,
            render_check=args.render_check,
            on_token=writer,
            max_attempts=args.attempts,
            checker=checker,
        )
        if writer is not None:
            writer.finish()
        for attempt in result.attempts:
            say(attempt)
        if not result.code.strip():
            say("no instrument came back; try a more concrete description")
            return 1
        csd = result.csd or result.code
        if output is not None:
            output.write_text(csd, encoding="utf-8")
            say(f"wrote {output}")
        elif live:
            print(highlight(csd) if colour_wanted(sys.stdout) else csd, end="")
        else:
            sys.stdout.write(csd)
        if result.render_report is not None:
            say(f"render check: {result.render_report.summary()}")
        if not result.validated:
            say("the code still has problems (see above); it was kept for you to look at")
            return 1
        return 0

    return run_with_ai(work)
