"""With no backend listening, an inline request answers [] and loads nothing costly (no retrieval)."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path
from typing import Any, cast

from csound_lsp.ai.ailog import AILog
from csound_lsp.ai.grounding import Retriever
from csound_lsp.ai.inline import InlineEngine
from csound_lsp.ai.service import AIService
from csound_lsp.syntax.document import Document

TEXT = "instr 1\n  aSig oscili 0.2, 440\n  outs aSig, aSig\nendin\n"


class RecordingRetriever:
    def __init__(self) -> None:
        self.searches = 0

    async def search(self, *args: Any, **kwargs: Any) -> Any:
        self.searches += 1
        raise AssertionError("retrieval must not run while the backend is down")


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_dead_backend_skips_retrieval(tmp_path: Path) -> None:
    async def scenario() -> tuple[list[object], int]:
        service, problems = AIService.from_config({"host": f"http://127.0.0.1:{closed_port()}"})
        assert not problems
        recording = RecordingRetriever()
        engine = InlineEngine(
            service, retriever=cast(Retriever, recording), log=AILog(tmp_path), debounce=False
        )
        document = Document("file:///x.orc", TEXT)
        found = await engine.suggest(document, TEXT.index("  outs"), invoked=True)
        again = await engine.suggest(document, TEXT.index("  outs") + 2, invoked=True)
        await service.aclose()
        return [*found, *again], recording.searches

    suggestions, searches = asyncio.run(scenario())
    assert suggestions == []
    assert searches == 0
