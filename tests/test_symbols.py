"""Document and workspace symbols, folding and selection ranges, through the real server."""

from __future__ import annotations

import asyncio
import itertools
import sys
from collections.abc import AsyncIterator

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.conftest import SERVER, client_capabilities
from tests.nav_helpers import LIB, NAV_DATA, open_main


def _names(symbols: list[types.DocumentSymbol]) -> list[str]:
    return [s.name for s in symbols]


async def test_outline_follows_the_csd_sections(client: LanguageClient) -> None:
    uri, text = await open_main(client)
    result = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert result is not None
    symbols = [s for s in result if isinstance(s, types.DocumentSymbol)]
    assert _names(symbols) == ["CsInstruments", "CsScore"]
    orchestra = symbols[0].children or []
    assert _names(orchestra) == ["header", "$BASE", "instr Voice", "instr 2"]
    header = orchestra[0].children or []
    assert [(s.name, s.detail) for s in header] == [
        ("sr", "44100"),
        ("ksmps", "32"),
        ("nchnls", "2"),
        ("0dbfs", "1"),
    ]
    voice = orchestra[2]
    assert voice.kind == types.SymbolKind.Class
    assert voice.range.start.line == text.splitlines().index("instr Voice")
    assert voice.range.end.line == text.splitlines().index("endin")
    score = symbols[1].children or []
    assert [(s.name, s.detail) for s in score] == [("instr Voice", "1 event"), ("instr 2", "1 event")]


async def test_score_sections_tables_and_events(client: LanguageClient) -> None:
    score = "f 1 0 1024 10 1\ni 1 0 1\ni 1 1 1\ni 2 0 1\ns\nf 2 0 8 -2 1 2\ni 1 0 1\ne\n"
    uri = "file:///tmp/nav/outline.sco"
    from tests.conftest import open_document

    await open_document(client, uri, score)
    result = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    sections = [s for s in result or [] if isinstance(s, types.DocumentSymbol)]
    assert _names(sections) == ["section 1", "section 2"]
    first = sections[0].children or []
    assert [(s.name, s.detail) for s in first] == [
        ("f 1", "GEN10"),
        ("instr 1", "2 events"),
        ("instr 2", "1 event"),
    ]
    assert _names(first[1].children or []) == ["i 1 0 1", "i 1 1 1"]
    assert [(s.name, s.detail) for s in sections[1].children or []] == [
        ("f 2", "GEN2"),
        ("instr 1", "1 event"),
    ]


async def test_folding_and_selection(client: LanguageClient) -> None:
    text = (
        "instr 1\n  if p4 > 0 then\n    kx = 1\n  else\n    kx = 2\n  endif\nendin\n; one\n; two\n; three\n"
    )
    uri = "file:///tmp/nav/fold.orc"
    from tests.conftest import open_document

    await open_document(client, uri, text)
    folds = await client.text_document_folding_range_async(
        types.FoldingRangeParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    spans = sorted((f.start_line, f.end_line, f.kind) for f in folds or [])
    assert (0, 5, None) in spans  # instr 1 .. line before endin
    assert (1, 2, None) in spans  # the if branch, up to the else
    assert (3, 4, None) in spans  # the else branch
    assert (7, 9, types.FoldingRangeKind.Comment) in spans
    selections = await client.text_document_selection_range_async(
        types.SelectionRangeParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            positions=[types.Position(line=2, character=4)],
        )
    )
    assert selections is not None
    chain = []
    current: types.SelectionRange | None = selections[0]
    while current is not None:
        chain.append(
            (
                current.range.start.line,
                current.range.start.character,
                current.range.end.line,
                current.range.end.character,
            )
        )
        current = current.parent
    assert chain[0] == (2, 4, 2, 6)  # kx
    assert (2, 4, 2, 10) in chain  # kx = 1
    assert (0, 0, 6, 5) in chain  # the instrument
    assert all(a[0] >= b[0] and a[2] <= b[2] for a, b in itertools.pairwise(chain))


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[sys.executable, "-m", "csound_lsp", "serve"], server_env=SERVER.server_env
    )
)
async def workspace_client(lsp_client: LanguageClient) -> AsyncIterator[LanguageClient]:
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities(),
            root_uri=NAV_DATA.as_uri(),
            initialization_options={"diagnostics": {"csound": False}},
        )
    )
    yield lsp_client
    await lsp_client.shutdown_session()


async def test_workspace_symbols_come_from_files_never_opened(workspace_client: LanguageClient) -> None:
    found: list[types.WorkspaceSymbol | types.SymbolInformation] = []
    for _ in range(100):  # the index fills in the background; poll until it has the UDO file
        result = await workspace_client.workspace_symbol_async(types.WorkspaceSymbolParams(query="stpan"))
        found = list(result or [])
        if found:
            break
        await asyncio.sleep(0.1)
    assert [(s.name, s.kind) for s in found] == [("StereoPan", types.SymbolKind.Function)]
    location = found[0].location
    assert isinstance(location, types.Location) and location.uri == LIB.as_uri()
    everything = await workspace_client.workspace_symbol_async(types.WorkspaceSymbolParams(query=""))
    names = {s.name for s in everything or []}
    assert {"instr Voice", "instr 2", "gkVolume", "$BASE", "StereoPan"} <= names
