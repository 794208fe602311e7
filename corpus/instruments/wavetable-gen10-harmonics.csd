<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Wavetables from harmonic recipes (GEN10)
; GEN10 sums harmonics with given strengths into one cycle. Four tables approximate a sine,
; a sawtooth (1/n), a square (odd harmonics, 1/n) and a hollow "clarinet" recipe. One
; instrument plays any of them through poscil; p5 chooses the table from an array.

sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

giSine   ftgen 0, 0, 8192, 10, 1
giSaw    ftgen 0, 0, 8192, 10, 1, 1/2, 1/3, 1/4, 1/5, 1/6, 1/7, 1/8, 1/9, 1/10
giSquare ftgen 0, 0, 8192, 10, 1, 0, 1/3, 0, 1/5, 0, 1/7, 0, 1/9
giReed   ftgen 0, 0, 8192, 10, 1, 0, 0.75, 0, 0.5, 0, 0.14, 0, 0.5, 0, 0.12

instr 1  ; p4 = MIDI note, p5 = table choice 0..3
  iTables[] fillarray giSine, giSaw, giSquare, giReed
  iTable = iTables[p5]
  kEnv   linseg 0, 0.03, 1, p3 - 0.13, 1, 0.1, 0
  aSig   poscil 0.4 * kEnv, cpsmidinn(p4), iTable
  outs aSig, aSig
endin

</CsInstruments>
<CsScore>
i 1 0 0.9 57 0
i 1 1 0.9 57 1
i 1 2 0.9 57 2
i 1 3 0.9 57 3
</CsScore>
</CsoundSynthesizer>
