<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Morphing between sine, square and saw with squinewave
; squinewave has two shape controls: clip (sine -> square) and skew (symmetric -> ramp).
; Two slow control splines move them independently so the timbre keeps changing.

sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

instr 1
  iCps  = cpsmidinn(p4)
  kClip rspline 0, 1, 0.5, 2      ; random smooth curve between 0 and 1
  kSkew rspline -0.8, 0.8, 0.5, 2
  aSig, aSync squinewave a(iCps), a(kClip), a(kSkew)
  kEnv  linseg 0, 0.1, 1, p3 - 0.4, 1, 0.3, 0
  aOut  = aSig * kEnv * 0.3
  outs aOut, aOut
endin

</CsInstruments>
<CsScore>
i 1 0 4 50
i 1 0 4 57
</CsScore>
</CsoundSynthesizer>
