<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Ring modulation
; Multiplying two signals removes both original frequencies and leaves their sum and
; difference. A triangle wave ring-modulated by a sine whose frequency glides produces the
; metallic, robotic sidebands familiar from science-fiction sound design.

sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

instr 1  ; p4 = carrier pitch in Hz, p5/p6 = modulator glide start/end in Hz
  aCarrier vco2 0.5, p4, 12           ; triangle
  kModCps  expseg p5, p3, p6
  aMod     = oscili(1, kModCps)
  aRing    = aCarrier * aMod          ; the whole technique is this multiplication
  aEnv     linseg 0, 0.02, 1, p3 - 0.12, 1, 0.1, 0
  aOut     = aRing * aEnv * 0.7
  outs aOut, aOut
endin

</CsInstruments>
<CsScore>
i 1 0   2   220 30 900
i 1 2.2 1.8 330 1200 80
</CsScore>
</CsoundSynthesizer>
