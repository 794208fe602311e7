<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Modal synthesis with mode filters
; Any struck object can be approximated by a set of resonant modes, each a frequency and a
; Q (ring time). mode is a resonant filter built for this. A single impulse (mpulse) strikes
; four modes tuned to a wooden block / glass ratio set; changing the ratios changes the material.

sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

instr 1  ; p4 = base frequency, p5 = 1 wood-like ratios, 2 glass-like ratios
  if p5 == 1 then
    iRatio[] fillarray 1, 2.57, 4.21, 6.3
    iQ[]     fillarray 60, 50, 40, 30          ; low Q: short, woody
  else
    iRatio[] fillarray 1, 2.32, 4.25, 6.63
    iQ[]     fillarray 900, 800, 700, 500      ; high Q: long, glassy
  endif
  aHit mpulse 0.5, 0                           ; a single impulse at the start
  aM1 mode aHit, p4 * iRatio[0], iQ[0]
  aM2 mode aHit, p4 * iRatio[1], iQ[1]
  aM3 mode aHit, p4 * iRatio[2], iQ[2]
  aM4 mode aHit, p4 * iRatio[3], iQ[3]
  aSum = (aM1 + aM2 * 0.6 + aM3 * 0.4 + aM4 * 0.3) * 1.0
  aEnv linseg 1, p3 - 0.05, 1, 0.05, 0
  outs aSum * aEnv, aSum * aEnv
endin

</CsInstruments>
<CsScore>
i 1 0    0.5 400 1
i 1 0.3  0.5 600 1
i 1 0.6  0.5 500 1
i 1 1    2.5 880 2
i 1 1.8  2.2 1320 2
</CsScore>
</CsoundSynthesizer>
