"""Csound 7's language through the real server: diagnostics per engine, hover, completion and rename on
typed names, new-style UDOs and struct members (pytest-lsp, real protocol)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.conftest import ROOT, SERVER, client_capabilities, open_document
from tests.nav_helpers import position_of

STRUCTS = (Path(__file__).parent / "data" / "csound7" / "structs.csd").read_text()
TYPED = (Path(__file__).parent / "data" / "csound7" / "typed_udos.csd").read_text()


async def _session(lsp_client: LanguageClient, engine: str) -> None:
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities(),
            root_uri=ROOT.as_uri(),
            initialization_options={"diagnostics": {"csound": False}, "engine": engine},
        )
    )


@pytest_lsp.fixture(config=SERVER)
async def seven(lsp_client: LanguageClient) -> AsyncIterator[LanguageClient]:
    """A server whose csound.engine is Csound 7 (the real compile is off: static checks only)."""
    await _session(lsp_client, "7")
    yield lsp_client
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=SERVER)
async def six(lsp_client: LanguageClient) -> AsyncIterator[LanguageClient]:
    await _session(lsp_client, "6")
    yield lsp_client
    await lsp_client.shutdown_session()


def _errors(diagnostics: list[types.Diagnostic]) -> list[types.Diagnostic]:
    return [d for d in diagnostics if d.severity == types.DiagnosticSeverity.Error]


async def _hover(client: LanguageClient, uri: str, position: types.Position) -> str:
    result = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=position)
    )
    assert result is not None and isinstance(result.contents, types.MarkupContent)
    return result.contents.value


async def _labels(client: LanguageClient, uri: str, position: types.Position) -> list[str]:
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=uri), position=position)
    )
    items = result.items if isinstance(result, types.CompletionList) else list(result or [])
    return [item.label for item in items]


async def _rename(client: LanguageClient, uri: str, position: types.Position, new_name: str) -> list[str]:
    """The renamed words' lines, as `line:text-replaced` strings, in order."""
    edit = await client.text_document_rename_async(
        types.RenameParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=position, new_name=new_name
        )
    )
    assert edit is not None and edit.changes is not None
    return sorted(f"{e.range.start.line}:{e.new_text}" for e in edit.changes[uri])


async def test_csound7_code_is_clean_when_the_engine_is_csound7(seven: LanguageClient) -> None:
    for name, text in (("structs", STRUCTS), ("typed", TYPED)):
        diagnostics = await open_document(seven, f"file:///tmp/c7/{name}.csd", text)
        assert _errors(diagnostics) == [], [d.message for d in _errors(diagnostics)]


async def test_csound7_code_gets_one_error_per_item_when_the_engine_is_csound6(six: LanguageClient) -> None:
    diagnostics = _errors(await open_document(six, "file:///tmp/c7/structs.csd", STRUCTS))
    assert {d.code for d in diagnostics} == {"csound7-syntax"}
    assert [d.range.start.line for d in diagnostics] == [11, 18, 28]  # globals, instr 1, opcode Louder


async def test_a_csound6_habit_gets_one_error_when_the_engine_is_csound7(seven: LanguageClient) -> None:
    text = "instr 1\n  icount = 0\ntop:\n  icount += 1\n  loop_lt, icount, 1, 4, top\nendin\n"
    [error] = _errors(await open_document(seven, "file:///tmp/c7/habit.orc", text))
    assert error.code == "csound6-only" and error.range.start.line == 4
    assert "comma after the opcode name 'loop_lt'" in error.message


async def test_hover_on_typed_names_udos_structs_and_members(seven: LanguageClient) -> None:
    uri = "file:///tmp/c7/structs.csd"
    await open_document(seven, uri, STRUCTS)
    assert "struct Spot across:i, depth:i" in await _hover(
        seven, uri, position_of(STRUCTS, "here:Spot", "Spot")
    )
    member = await _hover(seven, uri, position_of(STRUCTS, "one.spot.across =", "across"))
    assert member.startswith("**across** — member of struct Spot: init-time value")
    typed = await _hover(seven, uri, position_of(STRUCTS, "here:Spot init", "here"))
    assert "Spot (`here:Spot`)" in typed
    udo = await _hover(seven, uri, position_of(STRUCTS, "two:Voice = Louder", "Louder"))
    assert "opcode Louder(v:Voice, by:i):(Voice)" in udo
    typed_uri = "file:///tmp/c7/typed.csd"
    await open_document(seven, typed_uri, TYPED)
    spread = await _hover(seven, typed_uri, position_of(TYPED, "right:a Spread", "Spread"))
    assert "opcode Spread(sig:a, place:k):(a, a)" in spread and "Spreads a signal" in spread
    pitch = await _hover(seven, typed_uri, position_of(TYPED, "pitch:k = 220", "pitch"))
    assert "control value (`pitch:k`)" in pitch


async def test_completion_offers_members_after_a_dot_and_types_after_a_colon(seven: LanguageClient) -> None:
    uri = "file:///tmp/c7/complete.csd"
    text = STRUCTS.replace("  print two.loud", "  one.spot.\n  kx:\n  print two.loud")
    await open_document(seven, uri, text)
    lines = text.splitlines()
    dot = next(i for i, line in enumerate(lines) if line == "  one.spot.")
    assert await _labels(seven, uri, types.Position(line=dot, character=len(lines[dot]))) == [
        "across",
        "depth",
    ]
    colon = await _labels(seven, uri, types.Position(line=dot + 1, character=len(lines[dot + 1])))
    assert {"k", "a", "S", "Spot", "Voice", "Complex"} <= set(colon)
    start = await _labels(seven, uri, types.Position(line=dot + 2, character=2))
    assert {"for", "switch", "break"} <= set(start)


async def test_csound7_keywords_are_not_offered_in_csound6_code(six: LanguageClient) -> None:
    text = "instr 1\n  \nendin\n"
    uri = "file:///tmp/c7/plain.orc"
    await open_document(six, uri, text)
    labels = await _labels(six, uri, types.Position(line=1, character=2))
    assert "while" in labels and "switch" not in labels


async def test_rename_struct_members_types_typed_names_and_parameters(seven: LanguageClient) -> None:
    uri = "file:///tmp/c7/rename.csd"
    await open_document(seven, uri, STRUCTS)
    # A member: its definition and every access through a Spot, nested and in arrays alike.
    across = await _rename(seven, uri, position_of(STRUCTS, "struct Spot", "across"), "side")
    assert across == ["11:side", "21:side", "24:side", "25:side", "25:side"]
    # A struct type: its definition and every `:Spot` annotation.
    assert await _rename(seven, uri, position_of(STRUCTS, "here:Spot", "Spot"), "Place") == [
        "11:Place",
        "13:Place",
        "18:Place",
        "23:Place",
    ]
    typed_uri = "file:///tmp/c7/typed-rename.csd"
    await open_document(seven, typed_uri, TYPED)
    # A typed local may take any name: its type does not come from its first letter.
    assert await _rename(seven, typed_uri, position_of(TYPED, "pitch:k = 220", "pitch"), "frequency") == [
        "37:frequency",
        "39:frequency",
    ]
    # A new-style UDO's named parameter, inside its body only.
    spans = await _rename(seven, typed_uri, position_of(TYPED, "opcode Spread", "place"), "spot")
    assert spans == ["11:spot", "12:spot", "13:spot"]
