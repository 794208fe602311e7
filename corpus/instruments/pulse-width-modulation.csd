<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Pulse width modulation
; A slow LFO moves the width of a vco2 pulse wave between thin and square, which gives
; the moving, chorus-like tone of classic string machines. A gentle low-pass tames the top.

sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

instr 1
  iCps  = cpsmidinn(p4)
  kLfo  = lfo(0.4, 0.7)                 ; +-0.4, 0.7 Hz, sine
  kPw   = 0.5 + kLfo                    ; 0.1 .. 0.9
  kEnv  madsr 0.3, 0.2, 0.7, 0.6
  aPwm  vco2 0.18, iCps, 2, kPw          ; mode 2: variable-width pulse
  aOut  = butterlp(aPwm, 3000) * kEnv
  outs aOut, aOut
endin

</CsInstruments>
<CsScore>
; a minor chord, notes as MIDI numbers
i 1 0 3.5 57
i 1 0 3.5 60
i 1 0 3.5 64
</CsScore>
</CsoundSynthesizer>
