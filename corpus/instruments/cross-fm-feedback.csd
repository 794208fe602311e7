<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Cross FM: two oscillators modulating each other
; crossfm feeds each oscillator's output into the other's frequency. Small indices give a
; warm, slightly buzzy tone; larger ones turn chaotic and noisy. A slowly rising index makes
; the transition audible. The two outputs go to the two channels.

sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

giSine ftgen 0, 0, 16384, 10, 1

instr 1  ; p4 = base frequency, p5 = maximum index
  kIndex linseg 0.01, p3 * 0.7, p5, p3 * 0.3, 0.01
  a1, a2 crossfm 1, 1.41, kIndex, kIndex * 0.7, p4, giSine, giSine
  aEnv   linseg 0, 0.05, 0.25, p3 - 0.15, 0.25, 0.1, 0
  outs a1 * aEnv, a2 * aEnv
endin

</CsInstruments>
<CsScore>
i 1 0 4 110 2.5
</CsScore>
</CsoundSynthesizer>
