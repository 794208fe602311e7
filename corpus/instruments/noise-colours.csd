<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; White, pink and brown noise
; White noise (rand/noise) has equal energy per hertz and sounds hissy. Pink noise (pinker)
; falls 3 dB per octave and sounds balanced, like rain. Brown noise falls 6 dB per octave; it
; is the running sum of white noise, made here with a leaky integrator (a very low one-pole
; low-pass) and a DC blocker. Each colour plays for one second.

sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

instr 1  ; p4 = 0 white, 1 pink, 2 brown
  if p4 == 0 then
    aNoise = rand(0.3)                     ; uniform white noise, peak 0.3
  elseif p4 == 1 then
    aNoise = pinker() * 0.15               ; Stefan Stenzel's pink noise generator
  else
    aWhite = rand(1)
    aNoise = dcblock2(tone(aWhite, 20)) * 2  ; integrate, then remove the DC drift
  endif
  aEnv linseg 0, 0.05, 1, p3 - 0.1, 1, 0.05, 0
  outs aNoise * aEnv, aNoise * aEnv
endin

</CsInstruments>
<CsScore>
i 1 0   1 0
i 1 1.2 1 1
i 1 2.4 1 2
</CsScore>
</CsoundSynthesizer>
