<CsoundSynthesizer>
; table-waveshaper.csd
; Waveshaping through lookup tables. The input signal, mapped from -1..1 to
; 0..1, is used as a normalised index into a transfer function stored in an
; f-table: a soft "tanh" curve built with the named GEN "tanh", and a
; Chebyshev curve from GEN13 that turns a full-scale sine into a chosen mix of
; harmonics. Driving the input harder reaches the bent parts of the curve,
; so input level becomes a brightness control.
; Shows: ftgen with named GEN tanh and GEN13, tablei with normalised index.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

; tanh curve from -4 to 4, rescaled to -1..1
giSoft ftgen 0, 0, 8193, "tanh", -4, 4, 1
; Chebyshev transfer function: harmonics 1..5 with these strengths
giCheb ftgen 0, 0, 8193, 13, 1, 1, 1, 0.5, 0.4, 0.3, 0.2

instr 1
  iTable = p4 == 0 ? giSoft : giCheb
  iCps   = cpspch(p5)
  ; the input level sweeps, and with it the brightness of the result
  kLevel linseg 0.05, p3 * 0.6, 1, p3 * 0.4, 0.2
  aSine  oscili kLevel, iCps
  aShaped tablei aSine * 0.5 + 0.5, iTable, 1   ; ixmode 1: index 0..1
  aOut   = aShaped * 0.5 * linseg(0, 0.02, 1, p3 - 0.07, 1, 0.05, 0)
  aOut   dcblock2 aOut                          ; even harmonics add DC offset
  outs aOut, aOut
endin

</CsInstruments>
<CsScore>
;       table pitch
i 1 0   2.3  0    7.09
i 1 2.4 2.3  1    7.09
e
</CsScore>
</CsoundSynthesizer>
