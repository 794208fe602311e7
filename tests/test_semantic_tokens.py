"""Semantic tokens (full, range, delta) and inlay hints, through the real server."""

from __future__ import annotations

from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.conftest import INITIALIZE_RESULTS, open_document
from tests.nav_helpers import open_main


def _legend(client: LanguageClient) -> types.SemanticTokensLegend:
    provider = INITIALIZE_RESULTS[id(client)].capabilities.semantic_tokens_provider
    assert provider is not None
    assert provider.full == types.SemanticTokensFullDelta(delta=True) and provider.range
    return provider.legend


def _decode(
    text: str, data: list[int], legend: types.SemanticTokensLegend
) -> dict[tuple[int, str], tuple[str, set[str]]]:
    """(line, token text) → (type, modifiers), first occurrence on each line."""
    lines = text.splitlines()
    line = column = 0
    found: dict[tuple[int, str], tuple[str, set[str]]] = {}
    for i in range(0, len(data), 5):
        delta_line, delta_start, length, kind, bits = data[i : i + 5]
        line += delta_line
        column = column + delta_start if delta_line == 0 else delta_start
        word = lines[line][column : column + length]
        modifiers = {m for b, m in enumerate(legend.token_modifiers) if bits >> b & 1}
        found.setdefault((line, word), (legend.token_types[kind], modifiers))
    return found


async def test_tokens_know_rates_globals_and_roles(client: LanguageClient) -> None:
    legend = _legend(client)
    uri, text = await open_main(client)
    result = await client.text_document_semantic_tokens_full_async(
        types.SemanticTokensParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert result is not None and result.result_id
    tokens = _decode(text, result.data, legend)
    lines = text.splitlines()

    def at(line_text: str, word: str) -> tuple[str, set[str]]:
        return tokens[(lines.index(line_text), word)]

    osc = "  aSig oscili iAmp * kEnv * gkVolume, iFreq + $BASE."
    assert at(osc, "aSig") == ("variable", {"declaration", "aRate"})
    assert at(osc, "oscili") == ("function", {"defaultLibrary"})
    assert at(osc, "kEnv") == ("variable", {"kRate"})
    assert at(osc, "gkVolume") == ("variable", {"kRate", "global", "static"})
    assert at(osc, "$BASE.") == ("macro", set())
    assert at(osc, "*") == ("operator", set())
    assert at("  iFreq = p4", "p4") == ("parameter", {"iRate"})
    assert at("  aL, aR StereoPan aSig, 0.5", "StereoPan")[0] == "function"
    assert "defaultLibrary" not in at("  aL, aR StereoPan aSig, 0.5", "StereoPan")[1]
    assert at("  if kEnv > 0.5 kgoto done", "done") == ("label", set())
    assert at("done:", "done") == ("label", {"declaration"})
    assert at("instr Voice", "instr") == ("keyword", set())
    assert at("instr Voice", "Voice") == ("class", {"declaration"})
    assert at('i "Voice" 0 1 440 0.3', '"Voice"') == ("class", set())
    assert at('i "Voice" 0 1 440 0.3', "i") == ("keyword", set())
    assert at('i "Voice" 0 1 440 0.3', "440") == ("number", set())
    assert at('  chnset kEnv, "level"', '"level"') == ("string", set())
    assert at('#include "lib.udo"', "#include") == ("keyword", set())
    assert at("sr = 44100", "sr") == ("variable", {"readonly", "defaultLibrary", "declaration"})


async def test_range_and_delta(client: LanguageClient) -> None:
    legend = _legend(client)
    text = "instr 1\n  kx = 1\n  ky = kx + 1 ; sum\nendin\n"
    uri = "file:///tmp/nav/tokens.orc"
    await open_document(client, uri, text)
    ranged = await client.text_document_semantic_tokens_range_async(
        types.SemanticTokensRangeParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(
                start=types.Position(line=2, character=0), end=types.Position(line=3, character=0)
            ),
        )
    )
    assert ranged is not None
    words = [w for (_, w) in _decode(text, ranged.data, legend)]
    assert words == ["ky", "=", "kx", "+", "1", "; sum"]
    full = await client.text_document_semantic_tokens_full_async(
        types.SemanticTokensParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert full is not None and full.result_id is not None
    new_text = text.replace("  ky = kx + 1 ; sum", "  aSig = kx + 1 ; sum")
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=new_text)],
        )
    )
    delta = await client.text_document_semantic_tokens_full_delta_async(
        types.SemanticTokensDeltaParams(
            text_document=types.TextDocumentIdentifier(uri=uri), previous_result_id=full.result_id
        )
    )
    assert isinstance(delta, types.SemanticTokensDelta) and len(delta.edits) == 1
    edit = delta.edits[0]
    old = list(full.data)
    patched = old[: edit.start] + list(edit.data or []) + old[edit.start + edit.delete_count :]
    fresh = await client.text_document_semantic_tokens_full_async(
        types.SemanticTokensParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert fresh is not None and patched == list(fresh.data)
    assert _decode(new_text, patched, legend)[(2, "aSig")] == ("variable", {"declaration", "aRate"})


async def test_inlay_hints_name_score_pfields(client: LanguageClient) -> None:
    uri, text = await open_main(client)
    lines = text.splitlines()
    hints = await client.text_document_inlay_hint_async(
        types.InlayHintParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(
                start=types.Position(line=0, character=0), end=types.Position(line=len(lines), character=0)
            ),
        )
    )
    shown = [(h.position.line, h.position.character, h.label) for h in hints or []]
    score_line = lines.index('i "Voice" 0 1 440 0.3')
    assert shown == [
        (score_line, lines[score_line].index("440"), "iFreq:"),
        (score_line, lines[score_line].index("0.3"), "iAmp:"),
    ]


async def test_inlay_hints_for_opcode_arguments_when_enabled(client: LanguageClient) -> None:
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(
            settings={"inlayHints": {"opcodeArguments": True, "scorePfields": False}}
        )
    )
    text = "instr 1\n  aSig oscili 0.5, 440\n  outs aSig, aSig\nendin\n"
    uri = "file:///tmp/nav/hints.orc"
    await open_document(client, uri, text)
    hints = await client.text_document_inlay_hint_async(
        types.InlayHintParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(
                start=types.Position(line=0, character=0), end=types.Position(line=4, character=0)
            ),
        )
    )
    labels = [(h.position.line, h.label) for h in hints or []]
    assert labels == [(1, "xamp:"), (1, "xcps:"), (2, "aLeft:"), (2, "aRight:")]
