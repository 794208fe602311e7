<CsoundSynthesizer>
; autopan-pan2-modes.csd
; Auto-panner: a mono source is moved between the speakers by an LFO using
; pan2. The three sections use pan2's different pan laws: equal power (the
; default, no dip in the centre), square-root and linear (which sounds
; quieter in the middle). The LFO speed rises within each note.
; Shows: pan2 with imode, LFO in 0..1 range, comparing pan laws.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

instr 1
  iLaw  = p4                              ; 0 equal power, 1 sqrt, 2 linear
  kRate expseg 0.5, p3, 6
  kPos  = oscili(0.5, kRate) + 0.5        ; 0 = left, 1 = right
  aSrc  = vco2(0.3, 220, 2, 0.4) * linseg(0, 0.05, 1, p3 - 0.1, 1, 0.05, 0)
  aSrc  = butlp(dcblock2(aSrc), 3000)    ; narrow pulses have a DC offset
  aL, aR pan2 aSrc, kPos, iLaw
  outs aL, aR
endin

</CsInstruments>
<CsScore>
i 1 0   1.6 0
i 1 1.7 1.6 1
i 1 3.4 1.6 2
e
</CsScore>
</CsoundSynthesizer>
