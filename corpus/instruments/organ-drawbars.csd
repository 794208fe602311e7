<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Drawbar organ from one wavetable
; Tonewheel organs mix sine "footages" (16', 8', 5 1/3', 4', 2 2/3', 2'...). GEN09 builds the
; registration into a single table, with the sub-octave as partial 0.5, so one oscillator
; plays the whole stop. A delayed vibrato and a rotating-speaker style tremolo add motion.

sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

; GEN09 triplets: partial number, strength, phase. Registration "88 8000 000".
giDrawbars ftgen 0, 0, 16384, 9, 0.5, 1, 0, 1, 1, 0, 1.5, 1, 0
; A brighter registration with upper footages for the second chord.
giFull ftgen 0, 0, 16384, 9, 0.5, 0.8, 0, 1, 1, 0, 1.5, 0.6, 0, 2, 0.8, 0, 3, 0.6, 0, 4, 0.5, 0, 8, 0.3, 0

instr 1  ; p4 = MIDI note, p5 = registration (1 or 2)
  iCps  = cpsmidinn(p4)
  iTable = (p5 == 1 ? giDrawbars : giFull)
  kVib  = lfo(0.004, 6.5) * linseg(0, 0.4, 0, 0.3, 1)   ; vibrato fades in
  aTone poscil 0.08, iCps * (1 + kVib), iTable
  aClick = linseg(0, 0.004, 1, p3 - 0.014, 1, 0.01, 0)  ; organ keys switch on almost instantly
  aTone *= aClick
  ; rotating speaker: amplitude and stereo position move at about 6 Hz
  kRot  = lfo(1, 6.2)
  aL = aTone * (1 + 0.25 * kRot)
  aR = aTone * (1 - 0.25 * kRot)
  outs aL, aR
endin

</CsInstruments>
<CsScore>
i 1 0 1.9 60 1
i 1 0 1.9 64 1
i 1 0 1.9 67 1
i 1 2 2   62 2
i 1 2 2   65 2
i 1 2 2   69 2
</CsScore>
</CsoundSynthesizer>
