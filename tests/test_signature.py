"""Signature help: the overload picked by the output's rate and the argument rates typed so far, the
active parameter, optional parameters with defaults; through LSP and the pure function."""

from __future__ import annotations

from lsprotocol import types
from pytest_lsp import LanguageClient

from csound_lsp.features.signature import signature_help
from csound_lsp.syntax.lines import Encoding
from tests.conftest import INITIALIZE_RESULTS, open_document
from tests.feature_fixtures import with_cursor


def _help(text: str) -> types.SignatureHelp | None:
    document, position = with_cursor(text)
    return signature_help(document, position)


def _active(help_: types.SignatureHelp) -> tuple[str, str]:
    signature = help_.signatures[help_.active_signature or 0]
    index = signature.active_parameter
    assert index is not None
    label = signature.parameters[index].label  # type: ignore[index]
    if isinstance(label, str):  # a plain label is the first occurrence of its text (how clients find it)
        assert label in signature.label, (label, signature.label)
        return signature.label, label
    start, end = label
    return signature.label, signature.label[start:end]


async def test_server_advertises_signature_triggers(client: LanguageClient) -> None:
    options = INITIALIZE_RESULTS[id(client)].capabilities.signature_help_provider
    assert options is not None and set(options.trigger_characters or []) >= {" ", ",", "("}


async def test_signature_help_over_lsp_picks_audio_overload(client: LanguageClient) -> None:
    text = "instr 1\n  kAmp = 0.5\n  aSig oscili kAmp, \nendin\n"
    uri = "file:///tmp/signature.orc"
    await open_document(client, uri, text, language_id="csound-orc")
    result = await client.text_document_signature_help_async(
        types.SignatureHelpParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=2, character=len("  aSig oscili kAmp, ")),
        )
    )
    assert result is not None
    label, parameter = _active(result)
    assert label.startswith("xSig oscili xamp:k, xcps:k, [ifn = -1]")
    assert parameter == "xcps:k"


def test_output_rate_chooses_overload() -> None:
    audio = _help("instr 1\naSig oscili |\nendin\n")
    control = _help("instr 1\nkLfo oscili |\nendin\n")
    assert audio is not None and control is not None
    assert _active(audio) == ("xSig oscili xamp:k, xcps:k, [ifn = -1], [iphs = 0]", "xamp:k")
    assert _active(control)[0] == "xSig oscili xamp:k, xcps:k, [ifn = -1], [iphs = 0]"
    # the first signature for an a-rate output is an a-rate overload; for k only k-rate ones fit
    assert len(control.signatures) == 10
    audio_first = audio.signatures[0]
    assert audio_first.documentation is not None
    fitting_control = [
        s
        for s in control.signatures
        if not (isinstance(s.documentation, types.MarkupContent) and "do not fit" in s.documentation.value)
    ]
    assert len(fitting_control) == 2  # k oscili kkjo and kki[]o


def test_argument_rates_choose_overload() -> None:
    result = _help("instr 1\naSig oscili aAmp, |\nendin\n")
    assert result is not None
    assert _active(result) == ("xSig oscili xamp:a, xcps:k, [ifn = -1], [iphs = 0]", "xcps:k")


def test_optional_parameter_shows_default_and_is_active() -> None:
    result = _help("instr 1\naSig oscili 0.3, 440, |\nendin\n")
    assert result is not None
    assert _active(result)[1] == "[ifn = -1]"


def test_continued_line_counts_arguments() -> None:
    result = _help("instr 1\naL, aR pan2 aSig,\n     |\nendin\n")
    assert result is not None
    assert _active(result) == ("aL, aR pan2 asig:a, xp:x, [imode = 0]", "xp:x")


def test_function_call_uses_assignment_target() -> None:
    result = _help("instr 1\nkx = oscili(1, |\nendin\n")
    assert result is not None
    assert _active(result)[1] == "xcps:k"
    assert result.signatures[0].label.startswith("xSig oscili xamp:k")


def test_nested_call_helps_the_inner_function() -> None:
    result = _help("instr 1\naSig poscil 0.3, cpsmidinn(|\nendin\n")
    assert result is not None
    assert "cpsmidinn" in result.signatures[0].label


def test_udo_signature() -> None:
    result = _help(
        "opcode Gain, a, ak\naIn, kG xin\nxout aIn * kG\nendop\ninstr 1\naOut Gain aIn, |\nendin\n"
    )
    assert result is not None
    assert _active(result) == ("asig Gain asig:a, kval:k", "kval:k")


def test_variadic_parameter_stays_active() -> None:
    result = _help('instr 1\nprints "%d %d", 1, 2, |\nendin\n')
    assert result is not None
    label, parameter = _active(result)
    assert parameter.endswith("...") or "..." in parameter, label


def test_no_help_outside_arguments_or_in_score() -> None:
    assert _help("instr 1\naSig osc|\nendin\n") is None
    assert _help("instr 1\n; oscili |\nendin\n") is None
    document_text = "<CsoundSynthesizer>\n<CsScore>\ni 1 0 |\n</CsScore>\n</CsoundSynthesizer>\n"
    from tests.feature_fixtures import with_cursor as make

    document, position = make(document_text, "file:///tmp/score.csd")
    assert signature_help(document, position) is None


def test_parameter_labels_are_the_first_occurrence_of_their_text() -> None:
    """Plain labels (every client searches the signature for them; Eglot 30 misreads offsets)."""
    from csound_lsp.catalog import default_catalog
    from csound_lsp.features.overloads import entry_for, signature_label
    from csound_lsp.features.signature import parameter_labels

    for opcode in ("oscili", "pan2", "prints", "vco2", "pvsanal"):
        for overload in default_catalog()[opcode].overloads:
            label, _, spans = signature_label(opcode, overload, entry_for(opcode))
            texts = parameter_labels(label, spans, Encoding.UTF16)
            assert texts == [label[start:end] for start, end in spans]


def test_repeated_parameter_text_falls_back_to_offsets_in_client_units() -> None:
    from csound_lsp.features.signature import parameter_labels

    label = "aé Dup kx:k, kx:k"
    spans = [(7, 11), (13, 17)]
    assert parameter_labels(label, spans, Encoding.UTF16) == [(7, 11), (13, 17)]
    assert parameter_labels(label, spans, Encoding.UTF8) == [(8, 12), (14, 18)]
    assert parameter_labels("a Two kx:k, ky:k", [(6, 10), (12, 16)], Encoding.UTF16) == ["kx:k", "ky:k"]
