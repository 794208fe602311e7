"""The server refreshes the examples index in the background and reports it with $/progress."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import ClientServerConfig

from csound_lsp.server.index import START_DELAY_S
from tests.ai_lsp_helpers import CURSOR, ORC_DOC, capabilities, inline_params, inline_texts, open_doc
from tests.conftest import client_capabilities
from tests.fake_ollama import FakeOllama


def config(cache: Path, host: str) -> ClientServerConfig:
    return ClientServerConfig(
        server_command=[sys.executable, "-m", "csound_lsp", "serve"],
        server_env={
            "CSOUND_LSP_AI_HOST": host,
            "CSOUND_LSP_CACHE_DIR": str(cache),
            "CSOUND_LSP_INDEX_ON_START": "1",
        },
    )


@pytest.mark.timeout(180)
async def test_index_is_built_in_background_with_progress(tmp_path: Path) -> None:
    with FakeOllama() as fake:
        await _built_with_progress(tmp_path, fake.url)


@pytest.mark.timeout(90)
async def test_no_index_work_and_no_message_without_an_ai_backend(tmp_path: Path) -> None:
    """The index only serves the AI features: with no backend, start-up leaves it alone and says
    nothing; the one "no backend" message comes with the first AI request."""
    client = await config(tmp_path, "http://127.0.0.1:9").start()
    try:
        await client.initialize_session(
            types.InitializeParams(
                capabilities=capabilities(),
                initialization_options={"diagnostics": {"csound": False}},
            )
        )
        # past START_DELAY_S and the refused health check (a build would have begun by then)
        await asyncio.sleep(START_DELAY_S + 3)
        assert not [token for token in client.progress_reports if "index" in str(token)]
        assert not any(tmp_path.rglob("manifest*"))
        assert not [m for m in client.messages if "No AI backend" in m.message]
        uri = "file:///tmp/index-test/piece.csd"
        await open_doc(client, uri, ORC_DOC)
        result = await client.text_document_inline_completion_async(inline_params(uri, CURSOR))
        assert inline_texts(result) == []
        deadline = asyncio.get_running_loop().time() + 30
        while not [m for m in client.messages if "No AI backend" in m.message]:
            assert asyncio.get_running_loop().time() < deadline, client.messages
            await asyncio.sleep(0.1)
        await client.shutdown_session()
    finally:
        await client.stop()


async def _built_with_progress(tmp_path: Path, host: str) -> None:
    client = await config(tmp_path, host).start()
    try:
        await client.initialize_session(
            types.InitializeParams(
                capabilities=client_capabilities(),
                initialization_options={"diagnostics": {"csound": False}},
            )
        )
        # Requests are answered while the index is being built.
        uri = "file:///tmp/index-test.orc"
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id="csound", version=1, text="instr 1\n  out oscili(0.1, 440)\nendin\n"
                )
            )
        )
        hover = await asyncio.wait_for(
            client.text_document_hover_async(
                types.HoverParams(
                    text_document=types.TextDocumentIdentifier(uri=uri),
                    position=types.Position(line=1, character=8),
                )
            ),
            timeout=30,
        )
        assert hover is not None
        deadline = asyncio.get_running_loop().time() + 150
        while asyncio.get_running_loop().time() < deadline:
            reports = [
                r for token, rs in client.progress_reports.items() if "index" in str(token) for r in rs
            ]
            if any(isinstance(r, types.WorkDoneProgressEnd) for r in reports):
                break
            await asyncio.sleep(0.5)
        else:
            raise AssertionError(f"no end of indexing progress: {client.progress_reports}")
        assert isinstance(reports[0], types.WorkDoneProgressBegin)
        end = reports[-1]
        assert isinstance(end, types.WorkDoneProgressEnd) and "indexed" in (end.message or "")
        assert any(tmp_path.rglob("manifest*")), list(tmp_path.rglob("*"))
        await client.shutdown_session()
    finally:
        await client.stop()
