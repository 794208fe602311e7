"""What the check tells the user about options it left out: nothing for the performing options most pieces
carry (`-odac`, MIDI devices, real-time modules), one information line for those that would write or read
files, load code or run programs."""

from __future__ import annotations

import pytest

from csound_lsp.analysis.csound_findings import neutralised_findings
from csound_lsp.csound.sanitize import sanitize
from csound_lsp.syntax.document import Document


def csd(options: str) -> str:
    return (
        "<CsoundSynthesizer>\n<CsOptions>\n"
        f"{options}\n"
        "</CsOptions>\n<CsInstruments>\ninstr 1\n  out oscili(0.1, 440)\nendin\n</CsInstruments>\n"
        "<CsScore>\ni 1 0 1\n</CsScore>\n</CsoundSynthesizer>\n"
    )


def reported(options: str) -> list[str]:
    text = csd(options)
    changes = sanitize(text).changes
    findings = neutralised_findings(Document("file:///tmp/options.csd", text), changes)
    return [
        text.encode()[f.start_byte : f.end_byte].decode() for f in findings if f.code == "neutralised-option"
    ]


@pytest.mark.parametrize(
    "options",
    ["-odac", "-odac -iadc", "-o dac -M0", "-+rtaudio=jack -odac:hw:1,0 -b 128 -B 512", "--output=dac -Ma"],
)
def test_performing_options_are_left_out_silently(options: str) -> None:
    assert sanitize(csd(options)).of_kind("option"), "the check must still leave them out"
    assert reported(options) == []


@pytest.mark.parametrize(
    ("options", "word"),
    [("-o out.wav", "out.wav"), ("-oout.wav", "out.wav"), ("--opcode-lib=libx.so", "opcode-lib")],
)
def test_options_that_touch_files_or_load_code_are_still_reported(options: str, word: str) -> None:
    shown = reported(f"-odac {options}")
    assert len(shown) == 1 and word in shown[0], shown
