<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Struck metal bar with barmodel
; barmodel solves the physics of a stiff bar. Its stiffness sets the inharmonicity, the
; boundary conditions (clamped, pivoting, free) change the mode pattern, and the strike
; position and velocity shape the attack. The pitch is not set directly: it comes from the
; stiffness, so the score varies kK for higher and lower bars.

sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

instr 1  ; p4 = stiffness kK, p5 = strike position 0..1
  ;             left right  stiff  hf-loss  scan  t60  pos  velocity  width
  aBar barmodel 2,   2,     p4,    0.001,   0.23, 3,   p5,  2000,     0.05
  aBar = aBar * 1.5
  aEnv linseg 1, p3 - 0.05, 1, 0.05, 0
  outs aBar * aEnv, aBar * aEnv
endin

</CsInstruments>
<CsScore>
;              stiffness  position
i 1 0    1.5   90         0.3
i 1 0.75 1.5   120        0.4
i 1 1.5  2.5   60         0.2
</CsScore>
</CsoundSynthesizer>
