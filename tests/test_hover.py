"""Hover through the LSP protocol and through the pure function: opcodes with the overload this call
uses, UDOs, variables, score p-fields and instruments, GEN routines, flags, header constants, macros."""

from __future__ import annotations

import random
from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient

from csound_lsp.catalog import default_catalog
from csound_lsp.features.hover import hover
from csound_lsp.features.opcode_text import manual_link, opcode_hover_text
from csound_lsp.settings import Settings
from csound_lsp.syntax.document import Document
from tests.conftest import open_document
from tests.feature_fixtures import PIECE, locate

URI = "file:///tmp/hover_piece.csd"


async def _hover(client: LanguageClient, line_text: str, word: str) -> str:
    position = locate(PIECE, line_text, word)
    result = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=URI),
            position=types.Position(line=position.line, character=position.character),
        )
    )
    assert result is not None, (line_text, word)
    assert isinstance(result.contents, types.MarkupContent)
    assert result.contents.kind == types.MarkupKind.Markdown
    return result.contents.value


def _marked(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("- ▶")]


async def test_opcode_hover_marks_the_audio_overload_with_control_arguments(client: LanguageClient) -> None:
    await open_document(client, URI, PIECE)
    text = await _hover(client, "aSig oscili", "oscili")
    assert _marked(text) == ["- ▶ `a oscili k, k, [j], [o]` — " + _marked(text)[0].split(" — ", 1)[1]]
    assert "Table oscillator" in text  # our description
    assert "`xamp`" in text and "amplitude" in text  # argument names and meanings
    assert "```csound" in text  # the example
    assert text.count("\n- ") >= 10  # every overload listed


async def test_opcode_hover_marks_the_control_overload_for_a_k_output(client: LanguageClient) -> None:
    await open_document(client, URI, PIECE)
    marked = _marked(await _hover(client, "kLfo oscili", "oscili"))
    assert len(marked) == 1 and marked[0].startswith("- ▶ `k oscili k, k, [j], [o]`")


async def test_udo_hover_shows_declaration_and_comment(client: LanguageClient) -> None:
    await open_document(client, URI, PIECE)
    text = await _hover(client, "aL, aR MyPan", "MyPan")
    assert "opcode MyPan, aa, ak" in text
    assert "Pans a mono signal.\nPosition 0 is left." in text


async def test_variable_hover_gives_rate_scope_and_lines(client: LanguageClient) -> None:
    await open_document(client, URI, PIECE)
    text = await _hover(client, "aSig oscili", "kAmp")
    assert "control-rate" in text and "local to instr 1" in text
    definition = locate(PIECE, "kAmp = iAmp", "kAmp").line + 1
    assert f"Defined on line {definition}" in text
    global_text = await _hover(client, "gaRev init", "gaRev")
    assert "audio-rate" in global_text and "global" in global_text


async def test_score_pfield_hover_names_the_instrument_variable(client: LanguageClient) -> None:
    await open_document(client, URI, PIECE)
    text = await _hover(client, "i 1 0 2 440", "440")
    assert "p4" in text and "instr 1" in text and "`iFreq = p4`" in text
    text = await _hover(client, "i 1 0 2 440", "0.3")
    assert "p5" in text and "`iAmp = p5`" in text
    assert "duration" in await _hover(client, "i 1 0 2 440", "2")


async def test_score_instrument_hover_shows_first_line_and_doc(client: LanguageClient) -> None:
    await open_document(client, URI, PIECE)
    position = locate(PIECE, "i 1 0 2 440", "1")
    result = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=URI),
            position=types.Position(line=position.line, character=position.character),
        )
    )
    assert result is not None and isinstance(result.contents, types.MarkupContent)
    assert "instr 1" in result.contents.value and "A plain sine voice." in result.contents.value


async def test_gen_number_hover_in_f_statement(client: LanguageClient) -> None:
    await open_document(client, URI, PIECE)
    text = await _hover(client, "f 1 0 8192 10 1", "10")
    assert text.startswith("**GEN10**") and "harmonic" in text


async def test_options_flag_hover(client: LanguageClient) -> None:
    await open_document(client, URI, PIECE)
    text = await _hover(client, "-odac -d", "-odac")
    assert "--output" in text and "`dac`" in text
    assert "--nodisplays" in await _hover(client, "-odac -d", "-d")


async def test_header_constant_hover_gives_meaning_and_value(client: LanguageClient) -> None:
    await open_document(client, URI, PIECE)
    text = await _hover(client, "ksmps = 32", "ksmps")
    assert "control cycle" in text and "`32`" in text


async def test_macro_hover_shows_body(client: LanguageClient) -> None:
    await open_document(client, URI, PIECE)
    text = await _hover(client, "kx = $FREQ", "FREQ")
    assert "#define FREQ #440#" in text


def test_schedule_instrument_number_hover() -> None:
    document = Document(URI, PIECE)
    result = hover(document, locate(PIECE, "schedule 2, 0, 1", "2"))
    assert result is not None and isinstance(result.contents, types.MarkupContent)
    assert "instr 2" in result.contents.value


def test_hover_on_nothing_is_none() -> None:
    document = Document(URI, PIECE)
    assert hover(document, locate(PIECE, "i 2 0 1", "i")) is None  # the statement letter
    assert hover(document, locate(PIECE, "</CsScore>", "<")) is None


def test_unknown_overload_says_none_fits() -> None:
    text = "instr 1\nSx oscili 1, 2\nendin\n"
    document = Document("file:///tmp/bad.orc", text)
    result = hover(document, locate(text, "Sx oscili", "oscili"))
    assert result is not None and isinstance(result.contents, types.MarkupContent)
    assert "none fits" in result.contents.value and "▶" not in result.contents.value


def test_deprecated_opcode_is_marked() -> None:
    deprecated = next(o for o in default_catalog() if o.deprecated)
    assert "*deprecated*" in opcode_hover_text(deprecated.name)


def test_manual_link_when_manual_is_present(tmp_path: Path) -> None:
    (tmp_path / "oscili.html").write_text("<html></html>")
    settings = Settings(manual_path=str(tmp_path))
    text = opcode_hover_text("oscili", settings)
    assert (tmp_path / "oscili.html").as_uri() in text
    assert manual_link("pan2", tmp_path) is None
    no_manual = Settings(manual_path=str(tmp_path / "missing"))
    assert "Csound manual" not in opcode_hover_text("oscili", no_manual)


def test_sample_of_opcodes_hover_through_a_call() -> None:
    """Hover on a statement using each sampled opcode names it and lists its overloads."""
    catalog = default_catalog()
    sample = random.Random(7).sample(list(catalog.names()), 60)
    for name in sample:
        text = f"instr 1\n  {name} 1\nendin\n"
        document = Document("file:///tmp/sample.orc", text)
        result = hover(document, locate(text, name, name))
        assert result is not None, name
        assert isinstance(result.contents, types.MarkupContent)
        assert f"**{name}**" in result.contents.value
        assert f"{name}" in result.contents.value.split("Overloads", 1)[1], name


def test_every_catalog_opcode_has_a_signature_hover() -> None:
    catalog = default_catalog()
    missing = []
    for opcode in catalog:
        text = opcode_hover_text(opcode.name)
        overloads = text.split("Overloads:", 1)[-1].split("\n\n", 1)[0]
        lines = [line for line in overloads.splitlines() if line.startswith("- `")]
        signed = [line for line in lines if f" {opcode.name}" in line or line.startswith(f"- `{opcode.name}")]
        if not text.startswith(f"**{opcode.name}**") or len(signed) != len(opcode.overloads):
            missing.append(opcode.name)
    assert missing == []
