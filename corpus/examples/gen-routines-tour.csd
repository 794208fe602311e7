<CsoundSynthesizer>
; gen-routines-tour.csd
; The most used GEN routines and what they are for. Waveforms: GEN10
; (harmonic partials), GEN9 (partials with any ratio and phase), GEN11
; (band-limited pulse). Envelopes and curves: GEN7 (straight lines), GEN5
; (exponential segments), GEN16 (curved segments), GEN20 (windows). Data:
; GEN -2 (raw numbers, no normalising). Each note picks a waveform and an
; envelope table by number from the score.
; Shows: ftgen with named table numbers, GEN10/9/11/7/5/16/20/-2, reading an
; envelope table over the note with tablei and a line index.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

; waveforms (power-of-two sizes for oscillators)
giSaw   ftgen 1, 0, 8192, 10, 1, 1/2, 1/3, 1/4, 1/5, 1/6, 1/7, 1/8
giBell  ftgen 2, 0, 8192, 9, 1, 1, 0, 2.76, 0.5, 0, 5.4, 0.25, 0
giPulse ftgen 3, 0, 8192, 11, 12, 1
; envelopes (size + 1 guard point so the last value is reachable)
giLinEnv ftgen 11, 0, 1025, 7, 0, 50, 1, 300, 0.6, 524, 0.6, 150, 0
giExpEnv ftgen 12, 0, 1025, 5, 0.001, 30, 1, 994, 0.001
giCurve  ftgen 13, 0, 1025, 16, 0, 200, -4, 1, 824, 4, 0
giWindow ftgen 14, 0, 1025, 20, 2                  ; Hann
; raw data: a short scale in semitones
giSteps  ftgen 20, 0, 8, -2, 0, 2, 3, 5, 7, 8, 10, 12

instr 1
  iWave = p4
  iEnv  = p5
  kPos  line 0, p3, 1                              ; 0..1 across the note
  kEnv  tablei kPos, iEnv, 1                       ; normalised index
  kStep table int(kPos * 8), giSteps               ; walk the scale
  ; the pulse table is very bright, so play it lower and softer
  iGain = iWave == 3 ? 0.15 : 0.3
  aSig  oscili iGain * kEnv, cpsmidinn(57 + kStep), iWave
  outs aSig, aSig
endin

</CsInstruments>
<CsScore>
;           wave env
i 1 0   1.2 1    11
i 1 1.3 1.2 2    12
i 1 2.6 1.2 3    13
i 1 3.9 1.2 1    14
e
</CsScore>
</CsoundSynthesizer>
