<CsoundSynthesizer>
; hilbert-frequency-shifter.csd
; Single-sideband frequency shifting in the time domain. hilbert splits the
; input into two signals 90 degrees apart; multiplying them by a cosine and a
; sine of the shift frequency and combining cancels one sideband, so every
; partial moves by the same number of Hz (up or down), unlike ring
; modulation which produces both.
; Shows: hilbert, quadrature oscillators via oscili phase, up/down sidebands
; sent to left and right.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

giSine ftgen 0, 0, 16384, 10, 1

instr 1
  aIn   pluck 0.5, 220, 220, 0, 1
  aIn  += pluck(0.3, 330, 330, 0, 1)
  kShift linseg 0, 0.5, 0, p3 - 0.5, 150       ; shift in Hz
  aRe, aIm hilbert aIn
  aCos  oscili 1, kShift, giSine, 0.25          ; phase 0.25 = cosine
  aSin  oscili 1, kShift, giSine
  aUp   = aRe * aCos - aIm * aSin               ; upper sideband
  aDown = aRe * aCos + aIm * aSin               ; lower sideband
  aEnv  linseg 1, p3 - 0.05, 1, 0.05, 0
  outs aUp * aEnv * 0.7, aDown * aEnv * 0.7
endin

</CsInstruments>
<CsScore>
i 1 0 2
i 1 2 2
e
</CsScore>
</CsoundSynthesizer>
