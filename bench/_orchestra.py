"""A synthetic but realistic orchestra of a given size, for latency benchmarks."""

from __future__ import annotations

HEADER = """sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1
#define TABLE_SIZE #16384#
gaReverbL init 0
gaReverbR init 0
gkTempo init 120
giSine ftgen 0, 0, $TABLE_SIZE, 10, 1

opcode StereoPan, aa, ak
  aIn, kPos xin
  aLeft, aRight pan2 aIn, kPos
  xout aLeft, aRight
endop

"""

INSTRUMENT = """instr {n}
  ; voice {n}: a plucked, filtered tone with a little vibrato
  iFreq = p4
  iAmp = ampdbfs(p5)
  iPan = p6
  kEnv madsr 0.01, 0.2, 0.6, 0.3
  kVib lfo 0.004 * iFreq, 5.5
  aOsc vco2 iAmp * kEnv, iFreq + kVib
  kCut expseg 8000, p3, 400
  aFilt moogladder aOsc, kCut, 0.3
  kCount = 0
  while kCount < 3 do
    kCount += 1
  od
  if iFreq > 1000 then
    aFilt = aFilt * 0.5
  elseif iFreq < 100 then
    aFilt = aFilt * 1.5
  else
    aFilt = aFilt
  endif
  kTrig metro gkTempo / 60
  chnset kEnv, "env{n}"
  if kTrig == 1 kgoto skip
  kLevel rms aFilt
skip:
  aL, aR StereoPan aFilt, iPan
  gaReverbL += aL * 0.2
  gaReverbR += aR * 0.2
  outs aL, aR
endin

"""


def orchestra(lines: int = 5000) -> str:
    """Instruments until the text has at least `lines` lines."""
    parts = [HEADER]
    count = HEADER.count("\n")
    number = 1
    while count < lines:
        block = INSTRUMENT.format(n=number)
        parts.append(block)
        count += block.count("\n")
        number += 1
    return "".join(parts)
