<CsoundSynthesizer>
; rms-driven-brightness.csd
; Analysis driving synthesis: the RMS level of a drum loop is measured every
; control period and used to open the filter of a separate pad, so the pad
; pulses in time with the drums without being routed through them.
; Shows: rms analysis, mapping a level to a cutoff, global k-variable as a
; control bus between instruments, instrument ordering (analyser before pad).
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

gaDrum  init 0
gkLevel init 0

instr Drums
  kTick metro 6
  schedkwhen kTick, 0, 0, "Hit", 0, 0.12
  outs gaDrum * 0.6, gaDrum * 0.6
endin

instr Hit
  aEnv expsega 1, p3, 0.001
  gaDrum += (butbp(rand(0.8), 1800, 1200) + oscili(0.5, 120)) * aEnv
endin

instr Analyse
  gkLevel rms gaDrum, 20                    ; 20 Hz half-power smoothing
  clear gaDrum
endin

instr Pad
  kCut  = 200 + gkLevel * 8000
  aSig  = vco2(0.15, 98) + vco2(0.15, 146.8) + vco2(0.15, 196.5)
  aSig  = moogladder(aSig, limit(kCut, 100, 9000), 0.5)
  aSig *= linseg(0, 0.2, 1, p3 - 0.4, 1, 0.2, 0)
  outs aSig, aSig
endin

</CsInstruments>
<CsScore>
i "Drums"   0 4
i "Analyse" 0 4
i "Pad"     0 4
e
</CsScore>
</CsoundSynthesizer>
