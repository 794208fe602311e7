"""Small Csound files (our own writing) and helpers shared by the retrieval tests."""

from __future__ import annotations

import json
from pathlib import Path

PLUCK = """<CsoundSynthesizer>
; A plucked string through a body resonance.
<CsOptions>
-d
</CsOptions>
<CsInstruments>
sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

; Body: two resonant filters shaped like a small guitar body
opcode Body, a, a
  aIn xin
  aLow resonz aIn, 110, 40
  aMid resonz aIn, 240, 80
  xout aIn + aLow * 0.4 + aMid * 0.3
endop

instr Pluck
  iCps = cpsmidinn(p4)
  aStr pluck 0.4, iCps, iCps, 0, 1
  aOut Body aStr
  outs aOut, aOut
endin
</CsInstruments>
<CsScore>
i "Pluck" 0 2 52
i "Pluck" 1 2 59
e
</CsScore>
</CsoundSynthesizer>
"""

BELL = """<CsoundSynthesizer>
<CsInstruments>
sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1
giSine ftgen 0, 0, 8192, 10, 1

instr Bell
  kIndex expon 8, p3, 0.1          ; the modulation index decays, so the bell mellows
  aEnv expon 0.5, p3, 0.001
  aBell foscili aEnv, p4, 1, 1.4, kIndex, giSine
  outs aBell, aBell
endin
</CsInstruments>
<CsScore>
i "Bell" 0 4 440
</CsScore>
</CsoundSynthesizer>
"""

ECHO = """<CsoundSynthesizer>
<CsInstruments>
sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1
gaSend init 0

instr Source
  aSig vco2 0.2, 220
  aSig moogladder aSig, 1200, 0.3
  outs aSig, aSig
  gaSend += aSig
endin

instr Echo
  aTap delayr 1
  aDel deltapi 0.3
       delayw gaSend + aDel * 0.5
  outs aDel, aDel
  clear gaSend
endin
</CsInstruments>
<CsScore>
i "Echo" 0 5
i "Source" 0 1
</CsScore>
</CsoundSynthesizer>
"""

OPCODES = frozenset(
    [
        "resonz",
        "pluck",
        "cpsmidinn",
        "outs",
        "foscili",
        "expon",
        "ftgen",
        "vco2",
        "moogladder",
        "delayr",
        "deltapi",
        "delayw",
        "clear",
        "init",
    ]
)

INDEX = [
    {
        "id": "pluck",
        "path": "pluck-body.csd",
        "title": "Plucked string with a resonant body",
        "tags": ["pluck", "physical-model"],
        "description": "Karplus-Strong string into two resonz filters.",
    },
    {
        "id": "bell",
        "path": "fm-bell.csd",
        "title": "FM bell",
        "tags": ["fm", "bell"],
        "description": "foscili with a decaying modulation index.",
    },
]


def write_corpus(folder: Path) -> Path:
    """Writes the three files and an index.json into `folder`; returns it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pluck-body.csd").write_text(PLUCK)
    (folder / "fm-bell.csd").write_text(BELL)
    (folder / "echo.csd").write_text(ECHO)
    (folder / "index.json").write_text(json.dumps(INDEX))
    return folder
