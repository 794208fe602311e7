"""What `explain`, `generate` and `fix` share: the AI service from the environment, input reading,
a health check that turns a missing backend into one clear sentence, and the Csound checker.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from csound_lsp.ai.errors import AIError
from csound_lsp.ai.service import AIService

if TYPE_CHECKING:
    from csound_lsp.csound.worker import CsoundChecker

T = TypeVar("T")


class InputError(Exception):
    """Unreadable or missing input: exit status 2."""


def read_input(name: str | None, *, allow_stdin: bool = True) -> tuple[str, str | None]:
    """(text, path): a file, `-` for stdin, or stdin when nothing is named and it is piped."""
    if name is None or name == "-":
        if not allow_stdin:
            raise InputError("no file given")
        if name is None and sys.stdin.isatty():
            raise InputError("no file given (name one, or pipe Csound code into stdin)")
        data = sys.stdin.buffer.read()
        path = None
    else:
        file = Path(name)
        if not file.is_file():
            raise InputError(f"{name}: no such file")
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise InputError(f"{name}: {exc.strerror or exc}") from None
        path = str(file)
    if b"\x00" in data:
        raise InputError(f"{name or 'stdin'}: looks like a binary file, not Csound code")
    text = data.decode("utf-8", errors="replace")
    if not text.strip():
        raise InputError(f"{name or 'stdin'}: is empty")
    return text, path


def make_service() -> AIService:
    service, problems = AIService.from_config(None)
    for problem in problems:
        print(f"csound-lsp: {problem}", file=sys.stderr)
    return service


async def _ready(service: AIService) -> str | None:
    """None when the chat backend answers, else a sentence saying what to do."""
    if not service.settings.enabled:
        return "AI features are turned off (CSOUND_LSP_AI_ENABLED / ai.enabled)"
    try:
        health = await service.check()
    except AIError as error:
        return str(error)
    if not health.ok:
        return (
            str(health.error)
            if health.error
            else f"the AI backend at {service.settings.host} is not answering"
        )
    return None


def new_checker() -> CsoundChecker:
    from csound_lsp.csound.worker import CsoundChecker

    return CsoundChecker(timeout_s=20.0)


def run_with_ai(work: Callable[[AIService, CsoundChecker], Awaitable[int]]) -> int:
    """Runs `work` with a live service and checker; AI failures become a message and exit 1."""

    async def main() -> int:
        service = make_service()
        checker = new_checker()
        try:
            problem = await _ready(service)
            if problem is not None:
                print(f"csound-lsp: {problem}", file=sys.stderr)
                print("csound-lsp: run `csound-lsp doctor` to see what is set up", file=sys.stderr)
                return 1
            return await work(service, checker)
        except AIError as error:
            print(f"\ncsound-lsp: the AI request failed: {error}", file=sys.stderr)
            return 1
        finally:
            await checker.close()
            await service.aclose()

    return asyncio.run(main())


def say(message: str) -> None:
    """A status line for the person at the terminal, out of the way of stdout."""
    print(f"csound-lsp: {message}", file=sys.stderr)
