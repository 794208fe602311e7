<CsoundSynthesizer>
; tremolo-lfo-shapes.csd
; Tremolo is amplitude modulation at a sub-audio rate. This piece switches the
; LFO shape per note: sine (smooth), triangle, square (choppy, like a
; "stutter" gate) and sample-and-hold random. The LFO is scaled so gain swings
; between (1 - depth) and 1, never below zero.
; Shows: lfo opcode shapes 0, 1, 2 (bipolar square) and randh, depth scaling, k- to a-rate
; interpolation with interp to avoid zipper noise.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

instr 1
  iShape = p4
  kDepth = 0.8
  kRate  = 6
  if iShape < 3 then
    kLfo lfo 0.5, kRate, iShape                 ; -0.5 .. 0.5 (2 = bipolar square)
  else
    kLfo randh 0.5, kRate                        ; random steps
  endif
  kGain = 1 - kDepth * (kLfo + 0.5)             ; 1-depth .. 1
  aGain interp kGain
  aSrc  = vco2(0.2, 196) + vco2(0.2, 294)
  aSrc  = moogladder(aSrc, 1500, 0.2)
  aOut  = aSrc * aGain * linseg(0, 0.02, 1, p3 - 0.04, 1, 0.02, 0)
  outs aOut, aOut
endin

</CsInstruments>
<CsScore>
; p4: 0 sine, 1 triangle, 2 square, 3 random
i 1 0   1.2 0
i 1 1.2 1.2 1
i 1 2.4 1.2 2
i 1 3.6 1.2 3
e
</CsScore>
</CsoundSynthesizer>
