<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Harmonic series generators: buzz and gbuzz
; buzz adds a number of equal-strength harmonics; gbuzz adds a spectral tilt (kmul) so the
; brightness can be swept smoothly. Both read a cosine table made with GEN11.

sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

giCosine ftgen 0, 0, 16384, 11, 1   ; a single cosine

instr 1  ; buzz: the number of harmonics grows during the note
  kHarm line 1, p3, 30
  aSig  buzz 0.25, 150, kHarm, -1   ; -1 = built-in sine table
  aEnv  linseg 0, 0.05, 1, p3 - 0.15, 1, 0.1, 0
  outs aSig * aEnv, aSig * aEnv
endin

instr 2  ; gbuzz: constant harmonic count, the tilt kMul opens the spectrum
  kMul  expseg 0.2, p3, 0.95
  aSig  gbuzz 0.15, 150, 40, 1, kMul, giCosine
  aEnv  = linseg(0, 0.05, 1, p3 - 0.15, 1, 0.1, 0)
  outs aSig * aEnv, aSig * aEnv
endin

</CsInstruments>
<CsScore>
i 1 0 2
i 2 2 2
</CsScore>
</CsoundSynthesizer>
