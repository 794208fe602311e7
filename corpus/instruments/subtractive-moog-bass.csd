<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Subtractive bass: saw and square into a ladder filter
; The classic mono-synth recipe: two slightly detuned oscillators (saw plus a square an
; octave down), a moogladder low-pass whose cutoff has its own fast decaying envelope,
; and an amplitude envelope. The filter envelope gives the "pluck" at the start of each note.

sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

instr 1  ; p4 = MIDI note, p5 = velocity 0..1
  iCps  = cpsmidinn(p4)
  aSaw  vco2 0.5, iCps * 1.003            ; sawtooth, a few cents sharp
  aSub  vco2 0.4, iCps * 0.5, 10          ; square one octave below
  aMix  = aSaw + aSub
  ; filter envelope: from a bright attack down to a low sustain, scaled by velocity
  kCut  expseg 200 + 3000 * p5, 0.25, 250, p3 - 0.25, 200
  aFilt moogladder aMix, kCut, 0.55
  kAmp  madsr 0.005, 0.2, 0.7, 0.08
  aOut  = aFilt * kAmp * 1.2
  outs aOut, aOut
endin

</CsInstruments>
<CsScore>
i 1 0    0.4 36 1
i 1 0.5  0.4 36 0.5
i 1 1    0.4 43 0.8
i 1 1.5  0.4 41 0.6
i 1 2    0.9 38 1
i 1 3    0.4 36 0.7
</CsScore>
</CsoundSynthesizer>
