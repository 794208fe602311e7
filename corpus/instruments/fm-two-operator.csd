<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Two-operator FM with an index envelope
; foscili is a complete carrier/modulator pair: pitch, carrier ratio, modulator ratio and
; modulation index. Shaping the index with its own envelope is what makes FM expressive:
; here a high index at the attack fades to a low one, so each note starts bright and mellows.

sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

giSine ftgen 0, 0, 16384, 10, 1

instr 1  ; p4 = MIDI note, p5 = carrier ratio, p6 = modulator ratio, p7 = peak index
  iCps   = cpsmidinn(p4)
  kIndex expseg p7, p3, 0.2
  kAmp   madsr 0.005, 0.3, 0.5, 0.2
  aFm    foscili 0.3 * kAmp, iCps, p5, p6, kIndex, giSine
  outs aFm, aFm
endin

</CsInstruments>
<CsScore>
;              note car mod index
i 1 0   0.9    60   1   1   6     ; harmonic, saw-like attack
i 1 1   0.9    60   1   2   4     ; odd harmonics, clarinet-ish
i 1 2   0.9    60   1   3.5 3     ; inharmonic ratio, metallic
i 1 3   1.5    48   2   1   8     ; carrier on the 2nd harmonic
</CsScore>
</CsoundSynthesizer>
