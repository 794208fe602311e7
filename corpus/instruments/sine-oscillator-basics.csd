<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Sine oscillator basics
; The simplest tone generators: oscili with Csound's built-in sine, and poscil reading an
; explicit GEN10 sine table. Shows classic syntax next to function syntax, pitch given as
; a pch value converted with cpspch, and a short linen envelope so notes start and stop cleanly.

sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

giSine ftgen 0, 0, 8192, 10, 1     ; one harmonic at full strength = a sine wave

instr 1
  iAmp  = p4
  iFreq = cpspch(p5)               ; 8.09 -> A4 (440 Hz)
  kEnv  linen iAmp, 0.02, p3, 0.2  ; rise, hold, decay
  aSig  oscili kEnv, iFreq         ; classic syntax, built-in sine
  outs aSig, aSig
endin

instr 2
  ; the same idea in function syntax with a user table and an a-rate envelope
  aEnv = linseg(0, 0.05, p4, p3 - 0.25, p4, 0.2, 0)
  aSig = poscil(aEnv, cpspch(p5), giSine)
  outs aSig * 0.7, aSig   ; slightly right of centre
endin

</CsInstruments>
<CsScore>
;  start dur amp  pch
i 1  0    1   0.4  8.09
i 1  1    1   0.4  9.01
i 2  2    1.5 0.4  8.04
i 2  2.5  1.5 0.3  9.04
</CsScore>
</CsoundSynthesizer>
