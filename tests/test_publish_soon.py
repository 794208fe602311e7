"""Static diagnostics wait for the requests sent with a keystroke, and a burst is analysed once."""

from __future__ import annotations

import asyncio

import pytest

from csound_lsp.server import PUBLISH_DELAY_S, CsoundLanguageServer
from csound_lsp.syntax.document import Document, Position, Span

URI = "file:///x.orc"


def test_keystrokes_in_a_burst_publish_once_after_the_waiting_requests(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server = CsoundLanguageServer()
    document = server.store.open(URI, "instr 1\nendin\n", 1, "csound")
    order: list[str] = []
    monkeypatch.setattr(server, "publish", lambda d: order.append(f"publish v{d.version}"))

    async def scenario() -> None:
        for version in (2, 3, 4):  # three keystrokes read in one go
            document.apply_edits([(Span(Position(0, 0), Position(0, 0)), " ")], version)
            server.publish_soon(document)
        asyncio.get_running_loop().call_soon(order.append, "completion answered")
        await asyncio.sleep(PUBLISH_DELAY_S * 5)

    asyncio.run(scenario())
    assert order == ["completion answered", "publish v4"]


def test_a_closed_document_is_not_published(monkeypatch: pytest.MonkeyPatch) -> None:
    server = CsoundLanguageServer()
    document = server.store.open(URI, "instr 1\nendin\n", 1, "csound")
    published: list[Document] = []
    monkeypatch.setattr(server, "publish", published.append)

    async def scenario() -> None:
        server.publish_soon(document)
        server.store.close(URI)
        await asyncio.sleep(PUBLISH_DELAY_S * 5)

    asyncio.run(scenario())
    assert published == []


def test_csound_results_wait_for_the_pending_publish(monkeypatch: pytest.MonkeyPatch) -> None:
    """Csound's verdict arriving between a keystroke and its publish must not go out with the static
    findings of the text before the keystroke: the publish sends both."""
    server = CsoundLanguageServer()
    document = server.store.open(URI, "instr 1\n  a1 oscili 0.1, 440\nendin\n", 1, "csound")
    sent: list[tuple[int | None, list[str]]] = []
    monkeypatch.setattr(
        server,
        "text_document_publish_diagnostics",
        lambda params: sent.append((params.version, [d.message for d in params.diagnostics])),
    )

    async def scenario() -> None:
        document.apply_edits([(Span(Position(1, 4), Position(1, 4)), "x")], 2)  # `a1x`, never used
        server.publish_soon(document)
        server.send_diagnostics(document)  # what the Csound scheduler does with a fresh result
        await asyncio.sleep(PUBLISH_DELAY_S * 5)

    asyncio.run(scenario())
    assert len(sent) == 1
    version, messages = sent[0]
    assert version == 2 and any("a1x" in message for message in messages)
