<CsoundSynthesizer>
; statevar-multimode-crossfade.csd
; statevar returns highpass, lowpass, bandpass and band-reject at once.
; Here a morph control walks through LP -> BP -> HP -> notch by crossfading
; those four outputs, giving a continuous "filter type" knob.
; Shows: multiple outputs from one opcode, table-free crossfading with limit.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

instr 1
  ; a buzzing source: band-limited pulse with many harmonics
  aSrc  vco2 0.3, 98, 2, 0.25
  aSrc  dcblock2 aSrc                   ; remove the pulse wave's DC offset
  aHp, aLp, aBp, aBr statevar aSrc, 900, 6

  kMorph line 0, p3, 3                  ; 0 = LP, 1 = BP, 2 = HP, 3 = notch
  ; triangular weights: each output peaks at its integer position
  kWLp  limit 1 - abs(kMorph - 0), 0, 1
  kWBp  limit 1 - abs(kMorph - 1), 0, 1
  kWHp  limit 1 - abs(kMorph - 2), 0, 1
  kWBr  limit 1 - abs(kMorph - 3), 0, 1
  aMix  = aLp * kWLp + aBp * kWBp * 0.6 + aHp * kWHp + aBr * kWBr
  aMix  *= linseg(0, 0.05, 0.6, p3 - 0.15, 0.6, 0.1, 0)
  outs aMix, aMix
endin

</CsInstruments>
<CsScore>
i 1 0 5
e
</CsScore>
</CsoundSynthesizer>
