<CsoundSynthesizer>
; pitch-tracking-pitchamdf.csd
; Time-domain pitch detection with pitchamdf (average magnitude difference
; function). A gliding sawtooth is analysed; the detected frequency controls
; a sine a fifth above, creating a parallel harmony that follows the glide.
; The tracked value is printed so you can compare it with the real pitch.
; Shows: pitchamdf with a min/max search range, rms output, printks, using
; an analysis result as a frequency.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 48000
ksmps = 64
nchnls = 2
0dbfs = 1

instr 1
  kTrue expseg 150, p3, 400
  aSaw  vco2 0.3, kTrue
  aSaw  butlp aSaw, 2000                    ; fewer harmonics, cleaner tracking
  kCps, kRms pitchamdf aSaw, 100, 600
  printks "true %.1f  tracked %.1f\n", 0.5, kTrue, kCps
  aFifth oscili 0.25, portk(kCps, 0.02) * 1.5
  aEnv  linseg 0, 0.05, 1, p3 - 0.1, 1, 0.05, 0
  outs aSaw * aEnv * 0.8, aFifth * aEnv
endin

</CsInstruments>
<CsScore>
i 1 0 4
e
</CsScore>
</CsoundSynthesizer>
