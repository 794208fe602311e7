"""Definition, references, highlight, rename and document links, through the real server."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from tests.nav_helpers import LIB, covered, open_main, open_text, position_of

TWO_SCOPES = """instr 1
  kEnv linseg 0, 1, 1
  out kEnv
endin
instr 2
  kEnv line 0, 1, 1
  out kEnv
endin
"""


def _doc(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


async def _definition(client: LanguageClient, uri: str, position: types.Position) -> list[types.Location]:
    result = await client.text_document_definition_async(
        types.DefinitionParams(text_document=_doc(uri), position=position)
    )
    assert isinstance(result, list)
    return [r for r in result if isinstance(r, types.Location)]


async def _references(client: LanguageClient, uri: str, position: types.Position) -> list[types.Location]:
    result = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=_doc(uri),
            position=position,
            context=types.ReferenceContext(include_declaration=True),
        )
    )
    return list(result or [])


async def test_local_variable_definition_and_scoped_references(client: LanguageClient) -> None:
    uri = "file:///tmp/nav/scopes.orc"
    await open_text(client, uri, TWO_SCOPES)
    use_in_second = position_of(TWO_SCOPES, "out kEnv", "kEnv")
    use_in_second = types.Position(line=6, character=use_in_second.character)
    [location] = await _definition(client, uri, use_in_second)
    assert location.range.start.line == 5
    refs = await _references(client, uri, use_in_second)
    assert sorted(r.range.start.line for r in refs) == [5, 6]


async def test_global_and_udo_defined_in_an_included_file(client: LanguageClient) -> None:
    uri, text = await open_main(client)
    [volume] = await _definition(client, uri, position_of(text, "aSig oscili", "gkVolume"))
    assert volume.uri == LIB.as_uri() and volume.range.start.line == 1
    [pan] = await _definition(client, uri, position_of(text, "StereoPan aSig", "StereoPan"))
    assert pan.uri == LIB.as_uri() and pan.range.start.line == 3
    refs = await _references(client, uri, position_of(text, "gkVolume = 0.4", "gkVolume"))
    assert {(r.uri, r.range.start.line) for r in refs} == {
        (LIB.as_uri(), 1),
        (uri, text.splitlines().index("  gkVolume = 0.4")),
        (uri, text.splitlines().index("  aSig oscili iAmp * kEnv * gkVolume, iFreq + $BASE.")),
    }


async def test_instrument_links_score_and_schedule(client: LanguageClient) -> None:
    uri, text = await open_main(client)
    [definition] = await _definition(client, uri, position_of(text, 'i "Voice"', "Voice"))
    assert covered(text, definition.range) == "Voice"
    assert definition.range.start.line == text.splitlines().index("instr Voice")
    refs = await _references(client, uri, position_of(text, "instr Voice", "Voice"))
    assert sorted(covered(text, r.range) for r in refs) == ["Voice", "Voice", "Voice"]
    assert {text.splitlines()[r.range.start.line].split()[0] for r in refs} == {"instr", "schedule", "i"}
    numbered = await _references(client, uri, position_of(text, "i 2 0 2", "2"))
    assert sorted(r.range.start.line for r in numbered) == [
        text.splitlines().index("instr 2"),
        text.splitlines().index("i 2 0 2"),
    ]


async def test_macro_label_and_channel(client: LanguageClient) -> None:
    uri, text = await open_main(client)
    [macro] = await _definition(client, uri, position_of(text, "$BASE.", "BASE"))
    assert macro.range.start.line == text.splitlines().index("#define BASE #220#")
    [label] = await _definition(client, uri, position_of(text, "kgoto done", "done"))
    assert label.range.start.line == text.splitlines().index("done:")
    channel = await _references(client, uri, position_of(text, 'chnget "level"', "level"))
    assert [covered(text, r.range) for r in channel] == ["level", "level"]
    assert {r.range.start.line for r in channel} == {
        text.splitlines().index('  chnset kEnv, "level"'),
        text.splitlines().index('  kEnv chnget "level"'),
    }


async def test_highlight_tells_writes_from_reads(client: LanguageClient) -> None:
    uri, text = await open_main(client)
    result = await client.text_document_document_highlight_async(
        types.DocumentHighlightParams(
            text_document=_doc(uri), position=position_of(text, "kEnv linseg", "kEnv")
        )
    )
    kinds = sorted((h.range.start.line, h.kind) for h in result or [])
    define_line = text.splitlines().index("  kEnv linseg 0, 0.1, 1, p3 - 0.1, 0")
    assert kinds[0] == (define_line, types.DocumentHighlightKind.Write)
    assert [k for _, k in kinds[1:]] == [types.DocumentHighlightKind.Read, types.DocumentHighlightKind.Read]


async def _rename(
    client: LanguageClient, uri: str, position: types.Position, new_name: str
) -> types.WorkspaceEdit:
    result = await client.text_document_rename_async(
        types.RenameParams(text_document=_doc(uri), position=position, new_name=new_name)
    )
    assert result is not None
    return result


async def test_rename_local_variable_stays_in_its_instrument(client: LanguageClient) -> None:
    uri, text = await open_main(client)
    edit = await _rename(client, uri, position_of(text, "kEnv linseg", "kEnv"), "kShape")
    assert edit.changes is not None and list(edit.changes) == [uri]
    lines = sorted(e.range.start.line for e in edit.changes[uri])
    body = text.splitlines()
    assert lines == [
        body.index("  kEnv linseg 0, 0.1, 1, p3 - 0.1, 0"),
        body.index("  aSig oscili iAmp * kEnv * gkVolume, iFreq + $BASE."),
        body.index('  chnset kEnv, "level"'),
    ]
    assert all(e.new_text == "kShape" for e in edit.changes[uri])


async def test_rename_named_instrument_updates_score_and_schedule(client: LanguageClient) -> None:
    uri, text = await open_main(client)
    edit = await _rename(client, uri, position_of(text, 'i "Voice"', "Voice"), "Lead")
    assert edit.changes is not None
    assert sorted(covered(text, e.range) for e in edit.changes[uri]) == ["Voice"] * 3


async def test_rename_global_reaches_the_included_file(client: LanguageClient) -> None:
    uri, text = await open_main(client)
    edit = await _rename(client, uri, position_of(text, "gkVolume = 0.4", "gkVolume"), "gkLevel")
    assert edit.changes is not None and set(edit.changes) == {uri, LIB.as_uri()}


@pytest.mark.parametrize(
    ("line", "word", "new_name", "reason"),
    [
        ("kEnv linseg", "kEnv", "aEnv", "rate"),
        ("kEnv linseg", "kEnv", "gkEnv", "global"),
        ("iAmp = p5", "iAmp", "iFreq", "already exists"),
        ("kEnv linseg", "kEnv", "kgoto", "keyword"),
        ("kEnv linseg", "kEnv", "oscili", "opcode"),
        ("kEnv linseg", "kEnv", "k Env", "not a valid"),
        ("gkVolume = 0.4", "gkVolume", "kVolume", "local"),
        ("instr Voice", "Voice", "oscili", "opcode"),
        ("i 2 0 2", "2", "Voice", "whole number"),
        ("#define BASE", "BASE", "BASE", ""),
        ("kgoto done", "done", "endin", "keyword"),
    ],
)
async def test_rename_refuses_changes_of_meaning(
    client: LanguageClient, line: str, word: str, new_name: str, reason: str
) -> None:
    uri, text = await open_main(client)
    position = position_of(text, line, word)
    if not reason:  # renaming to the same name is a no-op, not an error
        edit = await _rename(client, uri, position, new_name)
        assert not edit.changes
        return
    with pytest.raises(JsonRpcException) as raised:
        await _rename(client, uri, position, new_name)
    assert reason in str(raised.value)
    assert raised.value.code == -32803


async def test_prepare_rename(client: LanguageClient) -> None:
    uri, text = await open_main(client)
    result = await client.text_document_prepare_rename_async(
        types.PrepareRenameParams(text_document=_doc(uri), position=position_of(text, "iAmp = p5", "iAmp"))
    )
    assert isinstance(result, types.PrepareRenamePlaceholder) and result.placeholder == "iAmp"
    for line, word, reason in [("aSig oscili", "oscili", "opcode"), ("iAmp = p5", "p5", "p-field")]:
        with pytest.raises(JsonRpcException) as raised:
            await client.text_document_prepare_rename_async(
                types.PrepareRenameParams(text_document=_doc(uri), position=position_of(text, line, word))
            )
        assert reason in str(raised.value)


async def test_include_is_a_document_link(client: LanguageClient) -> None:
    uri, text = await open_main(client)
    links = await client.text_document_document_link_async(types.DocumentLinkParams(text_document=_doc(uri)))
    assert links is not None and len(links) == 1
    assert links[0].target == LIB.as_uri()
    assert covered(text, links[0].range) == "lib.udo"
