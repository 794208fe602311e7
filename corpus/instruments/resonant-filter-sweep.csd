<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Resonant filter sweep with a diode ladder
; A bright saw chord runs through diode_ladder with high resonance while an exponential
; envelope sweeps the cutoff up and back down. The ladder's saturation (nonlinear mode)
; keeps the resonant peak musical instead of piercing.

sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

instr 1
  iCps = cpsmidinn(p4)
  aOsc = vco2(0.25, iCps) + vco2(0.25, iCps * 1.5)     ; root and fifth
  kCut expseg 150, p3 * 0.5, 6000, p3 * 0.5, 150       ; up, then down
  kRes = 12                                             ; diode_ladder resonance, 0..17
  aFlt diode_ladder aOsc, kCut, kRes, 1, 4              ; nonlinear, saturation 4
  aFlt = dcblock2(aFlt)
  aEnv linseg 0, 0.02, 1, p3 - 0.12, 1, 0.1, 0
  aOut = aFlt * aEnv * 2.2
  outs aOut, aOut
endin

</CsInstruments>
<CsScore>
i 1 0 4 40
</CsScore>
</CsoundSynthesizer>
