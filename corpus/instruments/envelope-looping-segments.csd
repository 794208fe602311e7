<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Looping envelopes: loopseg, looptseg and lpshold
; Looping segment generators repeat a shape at a given frequency, like a simple step
; sequencer or a custom LFO. loopseg draws lines (here a gate-like pattern for a filter),
; looptseg adds curvature per segment (a pumping amplitude), and lpshold holds each value
; as a step (a four-step pitch pattern).

sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

instr 1
  kRate = 2                                     ; each loop lasts half a second
  ; pitch steps in semitones: value, time share, value, time share... (lpshold holds each)
  kStep lpshold kRate, 0, 0, 0, 0.25, 7, 0.25, 12, 0.25, 3, 0.25
  ; filter sweep: rises quickly, falls slowly
  kCut  loopseg kRate * 2, 0, 0, 300, 0.1, 3000, 0.9, 300
  ; pumping amplitude: curved rise each beat
  kAmp  looptseg kRate * 2, 0, 0, 0.1, 2, 0.5, 1, -2, 1
  aOsc  vco2 0.4, cpsmidinn(48 + kStep)
  aFlt  moogladder aOsc, kCut, 0.4
  aOut  = aFlt * kAmp * linseg(0, 0.02, 1, p3 - 0.12, 1, 0.1, 0)
  outs aOut, aOut
endin

</CsInstruments>
<CsScore>
i 1 0 4
</CsScore>
</CsoundSynthesizer>
