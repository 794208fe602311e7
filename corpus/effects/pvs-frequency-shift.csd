<CsoundSynthesizer>
; pvs-frequency-shift.csd
; pvshift moves every partial up by the same number of hertz (not by a ratio),
; which turns a harmonic tone inharmonic: bell-like for small shifts,
; metallic for large ones. The shift is glided while a steady tone plays, and
; the lowest bins can be protected from shifting with klowest.
; Shows: pvshift in Hz, protecting low frequencies, k-rate shift control.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 48000
ksmps = 64
nchnls = 2
0dbfs = 1

giSine ftgen 0, 0, 8192, 10, 1

instr 1
  ; additive tone: first 8 harmonics of 220 Hz with 1/n amplitudes
  aTone buzz 0.4, 220, 8, giSine
  fSrc  pvsanal aTone, 2048, 512, 2048, 1
  kShift linseg 0, 1, 0, 3, 350            ; hold, then glide to +350 Hz
  fShift pvshift fSrc, kShift, 0           ; klowest 0: shift everything
  aOut  pvsynth fShift
  aOut *= linseg(0, 0.1, 0.6, p3 - 0.3, 0.6, 0.2, 0)
  outs aOut, aOut
endin

</CsInstruments>
<CsScore>
i 1 0 4.5
e
</CsScore>
</CsoundSynthesizer>
