<CsoundSynthesizer>
; parametric-eq-eqfil.csd
; A three-band parametric equaliser built from eqfil (a Regalia-Mitra peak
; filter): a low boost, a mid cut and a sweeping high boost, applied to pink
; noise plus a chord so the changes are audible. Gains are given in dB in
; the score and converted with ampdb.
; Shows: eqfil centre/bandwidth/gain, bands in series, dB conversion.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

opcode Eq3, a, akkk
  aIn, kLowDb, kMidDb, kHighDb xin
  aOut eqfil aIn, 120, 100, ampdb(kLowDb)
  aOut eqfil aOut, 1000, 600, ampdb(kMidDb)
  kHighCf = 4000 + lfo(2000, 0.5)           ; moving presence band
  aOut eqfil aOut, kHighCf, 2000, ampdb(kHighDb)
  xout aOut
endop

instr 1
  aSrc = pinker() * 0.1 + vco2(0.08, 110) + vco2(0.08, 165)
  aEq  Eq3 aSrc, p4, p5, p6
  aEq *= linseg(0, 0.05, 1, p3 - 0.1, 1, 0.05, 0)
  outs aEq, aEq
endin

</CsInstruments>
<CsScore>
;           low  mid  high (dB)
i 1 0   1.4 0    0    0
i 1 1.5 1.4 9   -12   0
i 1 3.0 1.4 -9   0    9
e
</CsScore>
</CsoundSynthesizer>
