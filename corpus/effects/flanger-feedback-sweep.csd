<CsoundSynthesizer>
; flanger-feedback-sweep.csd
; The flanger opcode applied to a noisy drone: a delay between 0.5 and 6 ms
; is swept by a triangle LFO, with positive feedback for a sharper, jet-like
; comb. The feedback amount is raised by the score for the second note.
; Shows: flanger with a-rate delay in seconds, triangle LFO via lfo mode 1,
; keeping feedback below 1 for stability.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

instr 1
  kFeedback = p4
  ; bright source: sawtooth plus a little noise
  aSrc  = vco2(0.2, 82.4) + rand(0.05)
  kSweep = lfo(0.5, 0.25, 1) + 0.5            ; 0..1 triangle
  aDel  = a(0.0005 + kSweep * 0.0055)         ; 0.5 .. 6 ms
  aFl   flanger aSrc, aDel, kFeedback, 0.01
  aOut  = aFl * 0.4 * linseg(0, 0.05, 1, p3 - 0.1, 1, 0.05, 0)
  outs aOut, aOut
endin

</CsInstruments>
<CsScore>
;       feedback
i 1 0   2.4 0.3
i 1 2.5 2.4 0.85
e
</CsScore>
</CsoundSynthesizer>
