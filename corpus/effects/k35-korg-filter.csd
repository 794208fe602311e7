<CsoundSynthesizer>
; k35-korg-filter.csd
; The Korg 35 filter models (K35_lpf and K35_hpf) in series, as in the MS-20:
; a highpass thins out the bottom, then a saturating lowpass shapes the top.
; Both cutoffs are driven by separate LFOs; saturation is switched on in the
; lowpass so high Q values growl instead of whistle.
; Shows: filters in series, non-linear processing flag, function-syntax calls.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

instr 1
  iCps  = cpspch(p4)
  aSaw  = vco2(0.35, iCps) + vco2(0.35, iCps * 0.501)
  kHpCf = 80 + 300 * (lfo(0.5, 0.3) + 0.5)
  kLpCf = 400 + 2500 * (lfo(0.5, 1.7, 1) + 0.5)    ; triangle LFO
  aHp   = K35_hpf(aSaw, kHpCf, 2)
  aLp   = K35_lpf(aHp, kLpCf, 8, 1, 1.5)          ; Q 8, NLP on, saturation 1.5
  aOut  = aLp * linsegr(0, 0.01, 0.5, 0.1, 0)
  outs aOut, aOut
endin

</CsInstruments>
<CsScore>
i 1 0   1.4 6.09
i 1 1.5 1.4 7.00
i 1 3.0 1.8 6.07
e
</CsScore>
</CsoundSynthesizer>
