<CsoundSynthesizer>
; ring-modulator.csd
; Ring modulation as an effect: the input is multiplied by a sine carrier,
; replacing every partial f with the pair f + c and f - c. A low carrier
; gives tremolo-like beating; a high one gives clangorous robot tones. A
; dry/wet control blends the two.
; Shows: multiplying audio signals, carrier frequency envelope, wet/dry
; mixing, a UDO with an optional argument (default wet = 1).
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

gaRing init 0

; RingMod: input, carrier Hz, wet amount (optional, default 1)
opcode RingMod, a, akP
  aIn, kCarrier, kWet xin
  aMod  = aIn * oscili(1, kCarrier)
  xout aIn * (1 - kWet) + aMod * kWet
endop

instr Melody
  iCps = cpspch(p4)
  aSig = vco2(0.3, iCps, 10) * madsr(0.01, 0.1, 0.7, 0.1)
  gaRing += butlp(aSig, 2500)
endin

instr Ring
  kCarrier expseg 30, p3 * 0.5, 30, p3 * 0.5, 900
  aOut RingMod gaRing, kCarrier, 0.8
  outs aOut, aOut
  clear gaRing
endin

</CsInstruments>
<CsScore>
i "Ring" 0 4.5
i "Melody" 0   0.5 8.00
i "Melody" 0.5 0.5 8.03
i "Melody" 1.0 0.5 8.07
i "Melody" 1.5 0.5 8.10
i "Melody" 2.0 0.5 9.00
i "Melody" 2.5 0.5 8.10
i "Melody" 3.0 1.2 8.07
e
</CsScore>
</CsoundSynthesizer>
