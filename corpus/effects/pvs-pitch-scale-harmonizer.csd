<CsoundSynthesizer>
; pvs-pitch-scale-harmonizer.csd
; A phase-vocoder harmonizer: one analysed melody is resynthesised twice more
; at a major third and a fifth above with pvscale, with formant preservation
; switched on so the copies keep the timbre of the original.
; Shows: pvsanal / pvscale / pvsynth chain, several fsig branches from one
; analysis, keepform option, latency of the analysis window.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

gaMelody init 0

instr Voice
  iCps = cpspch(p4)
  kVib = 1 + lfo(0.006, 5)
  aSig vco2 0.15, iCps * kVib
  aSig = resonz(aSig, 700, 300, 2) + resonz(aSig, 1200, 300, 2) * 0.5
  gaMelody += aSig * linseg(0, 0.05, 1, p3 - 0.1, 1, 0.05, 0)
endin

instr Harmonize
  fDry   pvsanal gaMelody, 1024, 256, 1024, 1
  fThird pvscale fDry, 2 ^ (4 / 12), 1        ; +4 semitones, keep formants
  fFifth pvscale fDry, 2 ^ (7 / 12), 1        ; +7 semitones
  aThird pvsynth fThird
  aFifth pvsynth fFifth
  ; the vocoder path is delayed by the window, so delay the dry signal too
  aDry   delay gaMelody, 1024 / sr
  outs aDry * 0.6 + aThird * 0.4, aDry * 0.6 + aFifth * 0.4
  clear gaMelody
endin

</CsInstruments>
<CsScore>
i "Harmonize" 0 4.5
i "Voice" 0   0.9 8.00
i "Voice" 1.0 0.9 8.02
i "Voice" 2.0 0.9 8.04
i "Voice" 3.0 1.2 8.07
e
</CsScore>
</CsoundSynthesizer>
