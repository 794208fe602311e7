<CsoundSynthesizer>
; zdf-ladder-resonance.csd
; The zero-delay-feedback ladder filter (zdf_ladder) on a square-wave bass line.
; Each note gets its own filter inside the instrument: the cutoff follows a fast
; decaying envelope (a "pluck") and Q is read from a p-field, so the score
; controls how resonant every note is.
; Shows: per-note filtering, expon envelope to cutoff, zdf_ladder Q range.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

instr 1
  iCps  = cpsmidinn(p4)
  iQ    = p5                          ; 0.5 (flat) .. 25 (screaming)
  aSq   = vco2(0.4, iCps, 10)         ; mode 10: square wave
  kCut  expsegr 6000, 0.25, 300, 0.1, 200
  aOut  zdf_ladder aSq, kCut, iQ
  ; strong Q boosts the cutoff region, so scale down a little
  aOut  *= linsegr(1, 0.05, 0) * 0.7 / sqrt(iQ)
  outs aOut, aOut
endin

</CsInstruments>
<CsScore>
;   start dur  note  Q
i 1 0     0.3  36    1
i 1 0.35  0.3  36    3
i 1 0.7   0.3  48    6
i 1 1.05  0.3  43    10
i 1 1.4   0.3  36    14
i 1 1.75  0.3  39    18
i 1 2.1   0.6  41    22
i 1 2.8   0.8  36    8
e
</CsScore>
</CsoundSynthesizer>
