<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; MIDI instrument that also plays from the score
; massign routes MIDI notes on every channel to instr 1. The instrument asks midichn which
; channel started it: 0 means a score note, so pitch and velocity come from p4/p5 instead of
; cpsmidi/ampmidi. madsr gives a release that works for both (it extends score notes too).
; Run with a MIDI device flag (e.g. -M0) to play it live; offline, the score plays a phrase.

sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

massign 0, 1              ; all MIDI channels -> instr 1

instr 1
  iChannel midichn
  if iChannel > 0 then    ; started by a MIDI note
    iCps cpsmidi
    iAmp ampmidi 0.4
  else                    ; started by the score: p4 = MIDI note number, p5 = velocity 0..127
    iCps = cpsmidinn(p4)
    iAmp = 0.4 * p5 / 127
  endif
  kEnv madsr 0.01, 0.15, 0.6, 0.3
  aSig vco2 iAmp, iCps
  aSig moogladder aSig, 800 + 3000 * kEnv, 0.3
  aOut = aSig * kEnv
  outs aOut, aOut
endin

</CsInstruments>
<CsScore>
i 1 0   0.4 60 100
i 1 0.5 0.4 63 80
i 1 1   0.4 67 110
i 1 1.5 1.2 72 90
i 1 3   1   60 127
</CsScore>
</CsoundSynthesizer>
