"""Completion ranked by fit: rate-filtered opcodes with snippets, variables by the rate the argument
wants, instruments, UDOs, macros, labels, flags, GEN numbers, header constants, include paths."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient

from csound_lsp.catalog import default_catalog
from csound_lsp.features.completion import MAX_ITEMS, completion
from csound_lsp.features.hover import resolve_completion as resolve
from tests.conftest import INITIALIZE_RESULTS, open_document
from tests.feature_fixtures import with_cursor

ORC = """sr = 44100
#define FREQ #440#
#define ADD(a'b) #$a+$b#
gaRev init 0
gkVol init 1
opcode MyOsc, a, kk
  kA, kF xin
  xout oscili(kA, kF)
endop
instr 1, Synth
  iFreq = p4
  kAmp = 0.3
  kEnv linseg 0, 1, 1
  aIn = 0
  SName = "x"
loop:
  %s
endin
instr 2
endin
"""


def _complete(
    text: str, uri: str = "file:///tmp/complete.orc", snippets: bool = True
) -> types.CompletionList:
    document, position = with_cursor(text, uri)
    return completion(document, position, snippets=snippets)


def _labels(result: types.CompletionList) -> list[str]:
    return [item.label for item in result.items]


def _new_text(item: types.CompletionItem) -> str:
    assert isinstance(item.text_edit, types.TextEdit)
    return item.text_edit.new_text


async def test_completion_over_lsp_ranks_audio_opcodes_first(client: LanguageClient) -> None:
    options = INITIALIZE_RESULTS[id(client)].capabilities.completion_provider
    assert options is not None and options.resolve_provider
    text = ORC % "aSig "
    uri = "file:///tmp/complete_lsp.orc"
    await open_document(client, uri, text, language_id="csound-orc")
    line = text.splitlines().index("  aSig ")
    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=line, character=len("  aSig ")),
        )
    )
    assert isinstance(result, types.CompletionList)
    assert result.is_incomplete and len(result.items) <= MAX_ITEMS
    ordered = sorted(result.items, key=lambda i: i.sort_text or "")
    catalog = default_catalog()
    top = [i.label for i in ordered[:50] if i.label in catalog]
    assert top and all(catalog[name].produces("a") for name in top)
    oscili = next(i for i in result.items if i.label == "oscili")
    assert oscili.insert_text_format == types.InsertTextFormat.Snippet
    assert _new_text(oscili) == "oscili ${1:xamp}, ${2:xcps}"
    assert oscili.documentation is None  # filled by resolve
    resolved = await client.completion_item_resolve_async(oscili)
    assert isinstance(resolved.documentation, types.MarkupContent)
    assert "Table oscillator" in resolved.documentation.value


def test_rate_filter_ranks_non_audio_opcodes_last() -> None:
    result = _complete(ORC % "aSig |")
    order = {item.label: item.sort_text or "" for item in result.items}
    catalog = default_catalog()
    assert all(catalog[name].produces("a") for name in order if name in catalog)  # the rest was cut
    prefixed = _complete(ORC % "aSig p|")
    ranked = sorted(prefixed.items, key=lambda i: i.sort_text or "")
    names = [i.label for i in ranked if i.label in catalog]
    first_non_audio = next(i for i, n in enumerate(names) if not catalog[n].produces("a"))
    assert all(catalog[n].produces("a") for n in names[:first_non_audio])
    assert not any(catalog[n].produces("a") for n in names[first_non_audio:])
    assert "print" in names[first_non_audio:] and "poscil" in names[:first_non_audio]


def test_control_output_prefers_control_opcodes() -> None:
    result = _complete(ORC % "kx lin|")
    ranked = [i.label for i in sorted(result.items, key=lambda i: i.sort_text or "")]
    assert ranked.index("linseg") < ranked.index("linen")  # linen has no k output... ranked after
    assert default_catalog()["linseg"].produces("k")


def test_snippets_fall_back_to_type_letters_and_plain_text() -> None:
    result = _complete(ORC % "aSig MyO|")
    udo = next(i for i in result.items if i.label == "MyOsc")
    assert _new_text(udo) == "MyOsc ${1:kval}, ${2:kval2}"
    plain = _complete(ORC % "aSig osc|", snippets=False)
    item = next(i for i in plain.items if i.label == "oscili")
    assert _new_text(item) == "oscili" and item.insert_text_format is None


def test_variables_ranked_by_the_active_parameter_rate() -> None:
    labels = _labels(_complete(ORC % "aL, aR pan2 |"))
    # pan2's first argument is audio: a-rate variables first, locals before globals
    assert labels[:4] == ["aIn", "aL", "aR", "gaRev"]
    assert labels.index("kAmp") > labels.index("gaRev")
    assert {"SName", "iFreq", "kAmp", "gkVol"} <= set(labels[4:])
    position = _labels(_complete(ORC % "aL, aR pan2 aIn, |"))  # x: audio or control
    assert max(position.index(v) for v in ("aIn", "kAmp", "iFreq", "gkVol")) < position.index("SName")
    control = _labels(_complete(ORC % "kx portk |"))  # k: control, init fits too, audio does not
    assert control.index("kAmp") < control.index("gkVol") < control.index("iFreq") < control.index("aIn")


def test_expression_ranks_by_target_rate() -> None:
    labels = _labels(_complete(ORC % "kx = |"))
    assert labels.index("kAmp") < labels.index("iFreq") < labels.index("aIn")


def test_instruments_after_i_and_in_schedule() -> None:
    csd = (
        "<CsoundSynthesizer>\n<CsInstruments>\ninstr 1\nendin\ninstr Lead\nendin\n</CsInstruments>\n"
        "<CsScore>\ni |\n</CsScore>\n</CsoundSynthesizer>\n"
    )
    result = _complete(csd, "file:///tmp/score.csd")
    assert _labels(result) == ["1", "Lead"]
    assert _new_text(result.items[1]) == '"Lead"'
    scheduled = _complete(ORC % "schedule |")
    assert _labels(scheduled)[:2] == ["1", "2"] and "Synth" in _labels(scheduled)[:4]
    event = _complete(ORC % 'event_i "i", |')
    assert _labels(event)[:2] == ["1", "2"]
    assert _labels(_complete(ORC % "iN nstrnum |"))[:2] == ["1", "2"]


def test_macros_after_dollar() -> None:
    result = _complete(ORC % "kx = $|")
    assert _labels(result) == ["ADD", "FREQ"]
    add = result.items[0]
    assert _new_text(add) == "ADD(${1:a}'${2:b})"


def test_labels_after_goto_family() -> None:
    for line in ("kgoto |", "if kAmp > 0 goto |", "timout 0, 1, |", "cggoto kAmp > 0, |", "reinit |"):
        assert _labels(_complete(ORC % line)) == ["loop"], line


def test_options_flags() -> None:
    csd = "<CsoundSynthesizer>\n<CsOptions>\n-odac --sample-|\n</CsOptions>\n</CsoundSynthesizer>\n"
    labels = _labels(_complete(csd, "file:///tmp/options.csd"))
    assert "--sample-rate=" in labels and "--sample-accurate" in labels
    assert all(label.startswith("--sample-") for label in labels)


def test_gen_numbers_in_f_statements_and_ftgen() -> None:
    csd = "<CsoundSynthesizer>\n<CsScore>\nf 1 0 8192 |\n</CsScore>\n</CsoundSynthesizer>\n"
    result = _complete(csd, "file:///tmp/gen.csd")
    assert _labels(result)[:3] == ["1", "2", "3"] and '"tanh"' in _labels(result)
    ten = next(i for i in result.items if i.label == "10")
    documentation = resolve(ten).documentation
    assert isinstance(documentation, types.MarkupContent) and "harmonic" in documentation.value
    assert "10" in _labels(_complete(ORC % "giSine ftgen 0, 0, 8192, |"))


def test_header_constants_at_top_level_only() -> None:
    top = _complete("sr = 44100\nks|\ninstr 1\nendin\n")
    assert _labels(top) == ["ksmps"]
    assert _new_text(top.items[0]) == "ksmps = ${1:10}"
    inside = _labels(_complete(ORC % "ks|"))
    assert "ksmps" not in inside


def test_include_paths_relative_to_document(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "synth.udo").write_text("")
    (tmp_path / "notes.pdf").write_text("")
    (tmp_path / "lib" / "fx.inc").write_text("")
    uri = (tmp_path / "main.orc").as_uri()
    assert _labels(_complete('#include "|"\n', uri)) == ["synth.udo", "lib/"]
    assert _labels(_complete('#include "lib/|"\n', uri)) == ["fx.inc"]


def test_statement_start_offers_keywords_udos_and_opcodes() -> None:
    labels = _labels(_complete(ORC % "end|"))
    assert labels[0] == "endin"
    labels = _labels(_complete(ORC % "ou|"))
    assert labels[0] == "outs" or "outs" in labels[:3]


def test_results_are_bounded() -> None:
    result = _complete(ORC % "|")
    assert len(result.items) == MAX_ITEMS and result.is_incomplete


def test_nothing_in_comments_and_strings() -> None:
    assert _complete(ORC % "; osc|").items == []
    assert _complete(ORC % 'prints "osc|').items == []


def test_globals_assigned_in_other_instruments_are_offered() -> None:
    """Completion reads one instrument; a global first assigned in another still counts (from the
    analysis the server runs on every text)."""
    from csound_lsp.analysis.incremental import document_findings
    from csound_lsp.syntax.document import Document, Position

    text = "instr 1\n  gkShared = 0.5\n  gaBus = 0\nendin\ninstr 2\n  aSig oscili \nendin\n"
    document = Document("file:///shared.orc", text)
    document_findings(document)  # what publishing the diagnostics does
    items = completion(document, Position(5, len("  aSig oscili "))).items
    labels = [item.label for item in items]
    assert "gkShared" in labels and "gaBus" in labels
    shared = next(item for item in items if item.label == "gkShared")
    assert shared.detail is not None and "global" in shared.detail


def test_a_udo_with_a_type_letter_csound_lacks_does_not_break_completion() -> None:
    """Found by the differential fuzzer: `opcode foo, a, k1` made completion after `aX ` raise."""
    document, position = with_cursor("opcode foo, a, k1\nxin\nendop\ninstr 1\n  aX |\nendin\n")
    labels = [item.label for item in completion(document, position).items]
    assert "oscili" in labels and "foo" not in labels
