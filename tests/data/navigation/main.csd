<CsoundSynthesizer>
<CsInstruments>
sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1
#include "lib.udo"
#define BASE #220#

instr Voice
  iFreq = p4
  iAmp = p5
  kEnv linseg 0, 0.1, 1, p3 - 0.1, 0
  aSig oscili iAmp * kEnv * gkVolume, iFreq + $BASE.
  aL, aR StereoPan aSig, 0.5
  chnset kEnv, "level"
  outs aL, aR
endin

instr 2
  kEnv chnget "level"
  if kEnv > 0.5 kgoto done
  schedule "Voice", 0, 1, 440, 0.2
  gkVolume = 0.4
done:
endin
</CsInstruments>
<CsScore>
i "Voice" 0 1 440 0.3
i 2 0 2
</CsScore>
</CsoundSynthesizer>
