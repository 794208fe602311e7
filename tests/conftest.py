"""Shared test fixtures: a real csound-lsp server started over stdio and driven through pytest-lsp."""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

ROOT = Path(__file__).resolve().parent.parent

# Every test server would otherwise refresh the examples index in the background, competing for the
# CPU with what the test measures; tests of that feature turn it back on in their server's env.
os.environ.setdefault("CSOUND_LSP_INDEX_ON_START", "0")
DATA = Path(__file__).resolve().parent / "data"

#: What the server answered to `initialize`, per client (pytest-lsp does not keep it).
INITIALIZE_RESULTS: dict[int, types.InitializeResult] = {}

SERVER = ClientServerConfig(
    server_command=[sys.executable, "-m", "csound_lsp", "serve"],
    server_env={"CSOUND_LSP_AI_HOST": "http://127.0.0.1:9", "PYTHONUNBUFFERED": "1"},
)


def client_capabilities() -> types.ClientCapabilities:
    """What a modern editor announces; tests that need less build their own."""
    return types.ClientCapabilities(
        general=types.GeneralClientCapabilities(
            position_encodings=[types.PositionEncodingKind.Utf16],
        ),
        workspace=types.WorkspaceClientCapabilities(configuration=False),
        text_document=types.TextDocumentClientCapabilities(
            publish_diagnostics=types.PublishDiagnosticsClientCapabilities(version_support=True),
            hover=types.HoverClientCapabilities(content_format=[types.MarkupKind.Markdown]),
            completion=types.CompletionClientCapabilities(
                completion_item=types.ClientCompletionItemOptions(snippet_support=True),
            ),
        ),
        window=types.WindowClientCapabilities(work_done_progress=True),
    )


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient) -> AsyncIterator[LanguageClient]:
    INITIALIZE_RESULTS[id(lsp_client)] = await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities(),
            root_uri=ROOT.as_uri(),
            initialization_options={"diagnostics": {"csound": False}},
        )
    )
    yield lsp_client
    await lsp_client.shutdown_session()


async def open_document(
    client: LanguageClient, uri: str, text: str, language_id: str = "csound"
) -> list[types.Diagnostic]:
    """Opens a document and returns the first diagnostics the server publishes for it."""
    waiter = client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id=language_id, version=1, text=text)
        )
    )
    await waiter
    return client.diagnostics.get(uri, [])


@pytest.fixture
def data_dir() -> Path:
    return DATA
