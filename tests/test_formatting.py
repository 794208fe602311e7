"""Formatting through the real server, and a sample of the manual-examples conformance check."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.conftest import open_document

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

MESSY = """<CsoundSynthesizer>
<CsInstruments>
sr=44100
ksmps = 32
gkVol init 0.5
#define BODY # a1 oscili 1,   440
  out a1 #
instr 1
iFreq = p4
kEnv linseg 0, p3, 1
    aSig oscili kEnv*gkVol, iFreq
if iFreq > 1000 then
aSig = aSig * 0.5
    else
aSig = aSig
      endif
 Stext = {{ keep
      this   spacing }}
loop:
outs aSig, aSig
endin
</CsInstruments>
<CsScore>
i 1 0 1 440
i 1 1 0.5 1760 ; high
f 1 0 1024 10 1
</CsScore>
</CsoundSynthesizer>
"""

EXPECTED = """<CsoundSynthesizer>
<CsInstruments>
sr=44100
ksmps =    32
gkVol init 0.5
#define BODY # a1 oscili 1,   440
  out a1 #
instr 1
  iFreq =      p4
  kEnv  linseg 0, p3, 1
  aSig  oscili kEnv*gkVol, iFreq
  if iFreq > 1000 then
    aSig = aSig * 0.5
  else
    aSig = aSig
  endif
  Stext = {{ keep
      this   spacing }}
loop:
  outs aSig, aSig
endin
</CsInstruments>
<CsScore>
i 1 0 1   440
i 1 1 0.5 1760 ; high
f 1 0 1024 10 1
</CsScore>
</CsoundSynthesizer>
"""


def _apply(text: str, edits: list[types.TextEdit]) -> str:
    lines = text.split("\n")
    for edit in sorted(edits, key=lambda e: e.range.start.line, reverse=True):
        assert edit.range.start.line == edit.range.end.line
        line = lines[edit.range.start.line]
        lines[edit.range.start.line] = (
            line[: edit.range.start.character] + edit.new_text + line[edit.range.end.character :]
        )
    return "\n".join(lines)


async def _format(client: LanguageClient, uri: str) -> list[types.TextEdit]:
    result = await client.text_document_formatting_async(
        types.DocumentFormattingParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            options=types.FormattingOptions(tab_size=2, insert_spaces=True),
        )
    )
    return list(result or [])


async def test_format_document_indents_and_aligns(client: LanguageClient) -> None:
    uri = "file:///tmp/nav/messy.csd"
    await open_document(client, uri, MESSY)
    formatted = _apply(MESSY, await _format(client, uri))
    assert formatted == EXPECTED
    again = "file:///tmp/nav/formatted.csd"
    await open_document(client, again, formatted)
    assert await _format(client, again) == []


async def test_broken_code_is_not_formatted(client: LanguageClient) -> None:
    uri = "file:///tmp/nav/broken.orc"
    await open_document(client, uri, "instr 1\n      a1 oscili 1,\nk1 = = 2\nendin\n")
    assert await _format(client, uri) == []


async def test_clean_items_are_formatted_around_a_broken_one(client: LanguageClient) -> None:
    """The instrument with a syntax error stays byte for byte; the others are formatted; the user is told."""
    broken = "instr 2\n      a1 oscili 1,\nk1 = = 2\nendin\n"
    text = "instr 1\nkx = 1\n      out oscili(kx, 440)\nendin\n\n" + broken + "\ninstr 3\nky = 2\nendin\n"
    uri = "file:///tmp/nav/partly-broken.orc"
    await open_document(client, uri, text)
    shown = len(client.messages)
    formatted = _apply(text, await _format(client, uri))
    assert broken in formatted
    clean = text.replace(broken, "")
    await open_document(client, "file:///tmp/nav/clean.orc", clean)
    expected = _apply(clean, await _format(client, "file:///tmp/nav/clean.orc"))
    assert expected != clean and formatted.replace(broken, "") == expected
    told = [m.message for m in client.messages[shown:]]
    assert len(told) == 1 and "lines 6-9" in told[0] and "syntax error" in told[0], told


async def test_range_formatting_touches_only_the_range(client: LanguageClient) -> None:
    uri = "file:///tmp/nav/range.csd"
    await open_document(client, uri, MESSY)
    result = await client.text_document_range_formatting_async(
        types.DocumentRangeFormattingParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(
                start=types.Position(line=8, character=0), end=types.Position(line=9, character=0)
            ),
            options=types.FormattingOptions(tab_size=2, insert_spaces=True),
        )
    )
    assert sorted(e.range.start.line for e in result or []) == [8, 9]


async def test_on_type_newline_indents_the_new_line(client: LanguageClient) -> None:
    text = "instr 1\n  kx = 1\n\nendin\n"
    uri = "file:///tmp/nav/ontype.orc"
    await open_document(client, uri, text)
    result = await client.text_document_on_type_formatting_async(
        types.DocumentOnTypeFormattingParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=2, character=0),
            ch="\n",
            options=types.FormattingOptions(tab_size=2, insert_spaces=True),
        )
    )
    assert [(e.range.start.line, e.new_text) for e in result or []] == [(2, "  ")]


EXAMPLES = Path("/usr/share/doc/csound-doc/html/examples")


@pytest.mark.skipif(not EXAMPLES.is_dir(), reason="csound-doc examples are not installed")
def test_manual_examples_sample_keeps_tokens_and_is_idempotent() -> None:
    from format_conformance import check, collect

    examples = collect(EXAMPLES)[::20]
    outcomes = [check(example) for example in examples]
    assert sum(o.status == "formatted" for o in outcomes) > len(outcomes) // 2
    assert [(o.name, o.detail) for o in outcomes if not o.ok] == []


@pytest.mark.skipif(not EXAMPLES.is_dir(), reason="csound-doc examples are not installed")
def test_manual_examples_keep_csound_verdict() -> None:
    from format_conformance import check, collect

    wanted = {"oscili.csd", "ifthen.csd", "schedule.csd"}
    examples = [e for e in collect(EXAMPLES) if e.name in wanted]
    assert len(examples) == 3
    for example in examples:
        outcome = check(example, verdicts={})  # an empty cache: csound really runs on both texts
        assert outcome.status == "formatted"
        assert outcome.verdict_before == outcome.verdict_after == "accepted", outcome
