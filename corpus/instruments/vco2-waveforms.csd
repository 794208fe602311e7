<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Band-limited analog waveforms with vco2
; vco2 produces alias-free sawtooth, square, pulse and triangle waves. Each note picks a
; mode through p5, so the score walks through the classic shapes at the same pitch.

sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

instr 1
  iMode = p5                      ; 0 saw, 10 square, 12 triangle, 2 pulse (needs kPw)
  kEnv  madsr 0.01, 0.1, 0.8, 0.1
  kPw   = 0.25                    ; pulse width, only used by mode 2
  aSig  vco2 p4 * kEnv, 110, iMode, kPw
  aSig  = aSig * 0.8
  outs aSig, aSig
endin

</CsInstruments>
<CsScore>
; p5 = vco2 mode
i 1 0   0.9 0.5 0    ; sawtooth
i 1 1   0.9 0.5 10   ; square
i 1 2   0.9 0.5 2    ; 25% pulse
i 1 3   0.9 0.6 12   ; triangle
</CsScore>
</CsoundSynthesizer>
