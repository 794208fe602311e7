<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Synthesised snare drum
; A snare has two parts: the drum head (two short sine modes around 180 and 330 Hz) and the
; snare wires (a burst of band-passed noise that lasts a little longer). Mixing them with
; separate envelopes and a snap of pitch drop gives an analog-machine snare.

sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

instr 1  ; p4 = amplitude, p5 = tone/noise balance 0..1
  kDrop  expseg 1.5, 0.02, 1, 1, 1
  aHead  = poscil(0.6, 180 * kDrop) + poscil(0.4, 330 * kDrop)
  aHead *= expseg(1, 0.12, 0.001, 1, 0.001)
  aWires = butterbp(rand(1), 5000, 6000) * expseg(1, p3, 0.001)
  aSnare = (aHead * (1 - p5) + aWires * p5 * 1.5) * p4
  outs aSnare, aSnare
endin

</CsInstruments>
<CsScore>
i 1 0    0.3 0.6 0.5
i 1 0.5  0.3 0.6 0.7
i 1 1    0.3 0.6 0.3
i 1 1.5  0.3 0.5 0.6
i 1 1.75 0.2 0.3 0.6
i 1 2    0.4 0.7 0.6
i 1 3    0.4 0.7 0.6
</CsScore>
</CsoundSynthesizer>
