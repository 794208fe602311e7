<CsoundSynthesizer>
; pvs-spectral-morph.csd
; Morphing between two sounds in the spectral domain: a bright sawtooth
; chord and a breathy filtered-noise vowel. pvsmorph interpolates amplitudes
; and frequencies bin by bin, with separate controls, so the morph can take
; the pitch from one sound and the spectral envelope from the other.
; Shows: two pvsanal streams with identical settings, pvsmorph amp/freq
; interpolation controls moving in opposite directions.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

instr 1
  aSaw   = vco2(0.15, 196) + vco2(0.15, 246.9) + vco2(0.15, 293.7)
  aNoise = rand(0.3)
  aBreath = resonz(aNoise, 600, 150, 2) + resonz(aNoise, 1100, 200, 2)
  ; identical analysis settings are required for pvsmorph
  fSaw   pvsanal aSaw, 1024, 256, 1024, 1
  fBr    pvsanal aBreath, 1024, 256, 1024, 1
  kAmpInt linseg 0, 1, 0, 2.5, 1, 1, 1     ; amplitudes: saw -> breath
  kFrqInt linseg 1, 1, 1, 2.5, 0, 1, 0     ; frequencies: breath -> saw
  fMorph pvsmorph fSaw, fBr, kAmpInt, kFrqInt
  aOut   pvsynth fMorph
  aOut  *= linseg(0, 0.1, 0.6, p3 - 0.3, 0.6, 0.2, 0)
  outs aOut, aOut
endin

</CsInstruments>
<CsScore>
i 1 0 4.5
e
</CsScore>
</CsoundSynthesizer>
