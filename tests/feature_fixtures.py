"""A small CSD that exercises hover, signature help and completion, and a cursor helper."""

from __future__ import annotations

from csound_lsp.syntax.document import Document, Position

PIECE = """<CsoundSynthesizer>
<CsOptions>
-odac -d
</CsOptions>
<CsInstruments>
sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1
#define FREQ #440#
gaRev init 0

; Pans a mono signal.
; Position 0 is left.
opcode MyPan, aa, ak
  aIn, kPos xin
  aL, aR pan2 aIn, kPos
  xout aL, aR
endop

; A plain sine voice.
instr 1
  iFreq = p4
  iAmp = p5
  kAmp = iAmp
  kFreq = iFreq
  aSig oscili kAmp, kFreq
  kLfo oscili 1, 5
  aL, aR MyPan aSig, kLfo
  outs aL, aR
  schedule 2, 0, 1
  kx = $FREQ
skip:
  kgoto skip
endin

instr 2
  aNoise rand 0.1
  outs aNoise, aNoise
endin
</CsInstruments>
<CsScore>
f 1 0 8192 10 1
i 1 0 2 440 0.3
i 2 0 1
</CsScore>
</CsoundSynthesizer>
"""


def locate(text: str, line_text: str, word: str, after: bool = False) -> Position:
    """Position of `word` on the first line containing `line_text` (its start, or just after it)."""
    for number, line in enumerate(text.splitlines()):
        if line_text in line:
            column = line.index(word, line.index(line_text) if word in line_text else 0)
            return Position(number, column + (len(word) if after else 0))
    raise AssertionError(f"{line_text!r} not in the text")


def with_cursor(text: str, uri: str = "file:///tmp/cursor.orc") -> tuple[Document, Position]:
    """A document from text with a `|` marking the cursor, and the cursor's position."""
    before, _, _ = text.partition("|")
    position = Position(before.count("\n"), len(before.split("\n")[-1]))
    return Document(uri, text.replace("|", "", 1)), position
