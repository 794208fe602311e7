<CsoundSynthesizer>
; tape-echo-wow-flutter.csd
; A tape-echo imitation: the delay time wobbles slowly (wow) and quickly
; (flutter), and the feedback path is soft-saturated with tanh and band-limited,
; so repeats smear, drift in pitch and stay bounded.
; Shows: modulated delay with vdelay3 and a-rate delay time, feedback loop
; built with an init'd audio variable, tanh saturation.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

gaTape init 0

instr Keys
  iCps = cpspch(p4)
  aEnv = madsr(0.005, 0.3, 0.3, 0.2)
  aSig = vco2(0.25, iCps, 12) * aEnv    ; triangle
  outs aSig, aSig
  gaTape += aSig
endin

instr TapeEcho
  iTimeMs = 330
  aWow     = oscili(4, 0.7)                     ; +/- 4 ms slow drift
  aFlutter = oscili(0.4, 9)                     ; fast small jitter
  aFb      init 0
  aDel     vdelay3 gaTape + aFb, iTimeMs + aWow + aFlutter, 1000
  aFb      = butbp(tanh(aDel * 1.5) * 0.6, 1200, 1800)   ; saturate and narrow
  outs aDel * 0.7, aDel * 0.7
  clear gaTape
endin

</CsInstruments>
<CsScore>
i "TapeEcho" 0 5.5
i "Keys" 0    0.4 8.00
i "Keys" 0.5  0.4 8.04
i "Keys" 1.0  0.4 8.07
i "Keys" 1.5  0.9 9.00
e
</CsScore>
</CsoundSynthesizer>
