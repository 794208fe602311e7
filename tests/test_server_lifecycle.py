"""End-to-end: the real server over stdio, through pytest-lsp."""

from __future__ import annotations

import sys

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.conftest import INITIALIZE_RESULTS, open_document

BROKEN = """<CsoundSynthesizer>
<CsInstruments>
sr = 44100
ksmps = 32
0dbfs = 1
instr 1
  aSig oscili 0.5, 440
  outs aSig, aSig

instr 2
  aN rand 0.1
  outs aN, aN
endin
</CsInstruments>
<CsScore>
i 1 0 1
</CsScore>
</CsoundSynthesizer>
"""


async def test_server_advertises_incremental_sync(client: LanguageClient) -> None:
    result = INITIALIZE_RESULTS[id(client)]
    assert result.server_info is not None and result.server_info.name == "csound-lsp"
    sync = result.capabilities.text_document_sync
    assert isinstance(sync, types.TextDocumentSyncOptions)
    assert sync.change == types.TextDocumentSyncKind.Incremental
    assert result.capabilities.position_encoding == types.PositionEncodingKind.Utf16


async def test_open_reports_missing_endin(client: LanguageClient) -> None:
    diagnostics = await open_document(client, "file:///tmp/broken.csd", BROKEN)
    errors = [d for d in diagnostics if d.severity == types.DiagnosticSeverity.Error]
    assert errors, diagnostics
    assert any("endin" in d.message for d in errors)


async def test_incremental_fix_clears_the_error(client: LanguageClient) -> None:
    uri = "file:///tmp/fixme.csd"
    await open_document(client, uri, BROKEN)
    assert client.diagnostics[uri]
    waiter = client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    line = BROKEN.splitlines().index("  outs aSig, aSig")
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(
                        start=types.Position(line=line + 1, character=0),
                        end=types.Position(line=line + 1, character=0),
                    ),
                    text="endin\n",
                )
            ],
        )
    )
    await waiter
    assert [d for d in client.diagnostics[uri] if d.severity == types.DiagnosticSeverity.Error] == []


@pytest.mark.skipif(sys.platform == "win32", reason="stdio framing")
async def test_garbage_text_is_survived(client: LanguageClient) -> None:
    garbage = "".join(chr(c) for c in range(1, 2000) if not 0xD800 <= c <= 0xDFFF) * 3
    diagnostics = await open_document(client, "file:///tmp/garbage.orc", garbage)
    assert diagnostics and all(d.severity == types.DiagnosticSeverity.Error for d in diagnostics)
    assert all(d.message.isprintable() for d in diagnostics)
    # The server still answers requests afterwards.
    diagnostics = await open_document(client, "file:///tmp/ok.orc", "instr 1\nendin\n")
    assert list(diagnostics) == []
