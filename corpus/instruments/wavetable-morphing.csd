<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Morphing between wavetables with ftmorf
; ftmorf writes a blend of neighbouring tables from a list into a destination table. A
; k-rate index that travels along the list makes the oscillator glide from a sine through a
; square to a sawtooth and a formant-like wave, all while the note holds.

sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

giSine   ftgen 0, 0, 4096, 10, 1
giSquare ftgen 0, 0, 4096, 10, 1, 0, 1/3, 0, 1/5, 0, 1/7, 0, 1/9
giSaw    ftgen 0, 0, 4096, 10, 1, 1/2, 1/3, 1/4, 1/5, 1/6, 1/7, 1/8
giVocal  ftgen 0, 0, 4096, 10, 0.3, 0.2, 0.1, 0.6, 1, 0.6, 0.1, 0.05, 0.3, 0.4
giList   ftgen 0, 0, 4, -2, giSine, giSquare, giSaw, giVocal   ; the tables to morph across
giMorph  ftgen 0, 0, 4096, 10, 1                              ; destination, rewritten by ftmorf

instr 1
  kPos   linseg 0, p3, 2.999            ; position in the list (0 = first table)
  ftmorf kPos, giList, giMorph
  aSig   poscil 0.35, cpsmidinn(p4), giMorph
  aEnv   linseg 0, 0.1, 1, p3 - 0.3, 1, 0.2, 0
  outs aSig * aEnv, aSig * aEnv
endin

</CsInstruments>
<CsScore>
i 1 0 4 45
</CsScore>
</CsoundSynthesizer>
