"""Static diagnostics: analysed off the event loop after the requests sent with a keystroke, a burst
analysed once, a replaced version abandoned, and Csound's verdict never sent ahead of a due publish."""

from __future__ import annotations

import asyncio
import threading

import pytest

from csound_lsp.analysis.incremental import Cancelled, VersionFindings
from csound_lsp.server import PUBLISH_DELAY_S, CsoundLanguageServer
from csound_lsp.server import diagnostics as server_diagnostics
from csound_lsp.syntax.document import Document, Position, Span

URI = "file:///x.orc"


def _sent(
    server: CsoundLanguageServer, monkeypatch: pytest.MonkeyPatch
) -> list[tuple[int | None, list[str]]]:
    sent: list[tuple[int | None, list[str]]] = []
    monkeypatch.setattr(
        server.protocol,
        "notify_json",
        lambda method, params: sent.append(
            (params["version"], [d["message"] for d in params["diagnostics"]])
        ),
    )
    return sent


async def _settle(server: CsoundLanguageServer) -> None:
    """Until no analysis is due or running."""
    for _ in range(400):
        await asyncio.sleep(PUBLISH_DELAY_S)
        if not server.diagnostics.publisher._due and not server.diagnostics.publisher._running:
            return
    raise AssertionError("the analysis never ended")


def test_keystrokes_in_a_burst_are_analysed_once_after_the_waiting_requests(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server = CsoundLanguageServer()
    server.store.open(URI, "instr 1\nendin\n", 1, "csound")
    order: list[str] = []
    real = server_diagnostics.analyse_version

    def spy(document: Document, **options: object) -> VersionFindings:
        order.append(f"analysed v{document.version}")
        return real(document, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(server_diagnostics, "analyse_version", spy)
    sent = _sent(server, monkeypatch)

    async def scenario() -> None:
        for version in (2, 3, 4):  # three keystrokes read in one go
            edited = server.store.change(URI, [(Span(Position(0, 0), Position(0, 0)), " ")], version)
            assert edited is not None
            server.diagnostics.changed(edited)
        asyncio.get_running_loop().call_soon(order.append, "completion answered")
        await _settle(server)

    asyncio.run(scenario())
    assert order == ["completion answered", "analysed v4"]
    assert [version for version, _ in sent] == [4]


def test_a_closed_document_is_not_published(monkeypatch: pytest.MonkeyPatch) -> None:
    server = CsoundLanguageServer()
    document = server.store.open(URI, "instr 1\nendin\n", 1, "csound")
    sent = _sent(server, monkeypatch)

    async def scenario() -> None:
        server.diagnostics.changed(document)
        server.store.close(URI)
        await _settle(server)

    asyncio.run(scenario())
    assert sent == []


def test_csound_results_wait_for_the_pending_publish(monkeypatch: pytest.MonkeyPatch) -> None:
    """Csound's verdict arriving between a keystroke and its publish must not go out with the static
    findings of the text before the keystroke: the publish sends both."""
    server = CsoundLanguageServer()
    server.store.open(URI, "instr 1\n  a1 oscili 0.1, 440\nendin\n", 1, "csound")
    sent = _sent(server, monkeypatch)

    async def scenario() -> None:
        edited = server.store.change(URI, [(Span(Position(1, 4), Position(1, 4)), "x")], 2)  # `a1x`, unused
        assert edited is not None
        server.diagnostics.changed(edited)
        server.diagnostics.send(edited)  # what the Csound scheduler does with a fresh result
        await _settle(server)

    asyncio.run(scenario())
    assert len(sent) == 1
    version, messages = sent[0]
    assert version == 2 and any("a1x" in message for message in messages)


def test_a_version_replaced_while_analysed_is_abandoned_and_the_newest_published(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The analysis runs on a worker thread while the event loop takes the next keystroke: the old
    version stops at its next item (its findings would be stale) and the newest one is analysed."""
    server = CsoundLanguageServer()
    text = "".join(f"instr {n}\n  a{n} oscili 0.1, 440\nendin\n" for n in range(1, 40))
    server.store.open(URI, text, 1, "csound")
    sent = _sent(server, monkeypatch)
    started = threading.Event()
    release = threading.Event()
    outcomes: list[str] = []
    real = server_diagnostics.analyse_version

    def slow(document: Document, **options: object) -> VersionFindings:
        if document.version == 1:
            started.set()
            release.wait(10)  # the keystroke arrives while this version is analysed
        try:
            found = real(document, **options)  # type: ignore[arg-type]
        except Cancelled:
            outcomes.append(f"v{document.version} abandoned")
            raise
        outcomes.append(f"v{document.version} analysed")
        return found

    monkeypatch.setattr(server_diagnostics, "analyse_version", slow)

    async def scenario() -> None:
        document = server.store.get(URI)
        assert document is not None
        server.diagnostics.publisher.now(document)
        await asyncio.get_running_loop().run_in_executor(None, started.wait, 10)
        edited = server.store.change(URI, [(Span(Position(1, 4), Position(1, 4)), "x")], 2)
        assert edited is not None
        server.diagnostics.changed(edited)
        release.set()
        await _settle(server)

    asyncio.run(scenario())
    assert outcomes == ["v1 abandoned", "v2 analysed"]
    assert [version for version, _ in sent] == [2]
