<CsoundSynthesizer>
; auto-wah-envelope-follower.csd
; Envelope-controlled filter ("auto-wah"): the louder the input, the higher
; the cutoff of a resonant lowpass. The amplitude of a plucked bass line is
; tracked with follow2 and mapped exponentially to the cutoff of moogladder.
; Shows: follow2 driving a filter, exponential mapping of a 0..1 control,
; signal routing through chnset/chnget with a mix of syntax styles.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

instr Bass
  iCps = cpspch(p4)
  aSig pluck 0.6, iCps, iCps, 0, 1
  aSig *= linseg(1, p3 - 0.03, 1, 0.03, 0)
  chnmix aSig, "bass"
endin

instr AutoWah
  aIn   = chnget:a("bass")
  aEnv  follow2 aIn, 0.002, 0.15           ; fast attack, slower release
  kEnv  = k(aEnv)                          ; downsample to control rate
  kNorm = limit(kEnv * 3, 0, 1)            ; 0..1 sensitivity
  kCut  = 150 * 2 ^ (kNorm * 5)            ; 150 Hz .. 4.8 kHz
  aWah  = moogladder(aIn, kCut, 0.7)
  outs aWah * 0.9, aWah * 0.9
  chnclear "bass"
endin

</CsInstruments>
<CsScore>
i "AutoWah" 0 4.5
i "Bass" 0    0.4 6.00
i "Bass" 0.5  0.4 6.00
i "Bass" 1.0  0.2 6.07
i "Bass" 1.25 0.2 6.10
i "Bass" 1.5  0.8 7.00
i "Bass" 2.5  0.4 6.05
i "Bass" 3.0  1.2 6.00
e
</CsScore>
</CsoundSynthesizer>
