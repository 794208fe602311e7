<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; FM electric piano with fmrhode
; fmrhode is a ready-made FM model of a tine electric piano (the DX7 algorithm 5 idea).
; kc1 sets the modulation index (bark), kc2 crossfades between the two operator pairs.
; Its four operator tables are sines here except the fourth, a bright wave we build with
; GEN10 so the piece needs no sound file. Velocity scales both loudness and bark.

sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

giSine ftgen 0, 0, 8192, 10, 1
giTine ftgen 0, 0, 8192, 10, 1, 0.5, 0.3, 0.25, 0.2, 0.16   ; brighter operator wave

instr 1  ; p4 = MIDI note, p5 = velocity 0..1
  iCps = cpsmidinn(p4)
  kIdx = 0.5 + p5 * 2.5                      ; harder notes bark more
  aPiano fmrhode 0.25 * p5, iCps, kIdx, 0.3, 0.002, 5, giSine, giSine, giSine, giTine, giSine
  aEnv   linsegr 1, p3, 1, 0.15, 0          ; short release, fmrhode has its own decay
  aOut   = aPiano * aEnv
  outs aOut, aOut
endin

</CsInstruments>
<CsScore>
i 1 0   1.5 57 0.6
i 1 0   1.5 60 0.6
i 1 0   1.5 64 0.6
i 1 1.5 1.5 55 0.9
i 1 1.5 1.5 59 0.8
i 1 1.5 1.5 62 0.8
i 1 3   1   67 1
</CsScore>
</CsoundSynthesizer>
