<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Partials at chosen numbers and phases (GEN09)
; GEN09 takes triplets of partial number, strength and phase, so a table can hold only the
; partials we want, such as the 1st, 3rd and 7th with different phases. A second table
; places its partials at large numbers (5, 6, 7) to read as a bright chord of overtones
; when played at a low frequency, a handy trick for glassy pads.

sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

giHollow ftgen 0, 0, 16384, 9, 1, 1, 0, 3, 0.4, 90, 7, 0.2, 180
giGlass  ftgen 0, 0, 16384, 9, 5, 1, 0, 6, 0.7, 0, 7, 0.5, 0, 9, 0.3, 0

instr 1  ; p4 = table reading frequency, p5 = 1 hollow, 2 glass
  iTable = (p5 == 1 ? giHollow : giGlass)
  kEnv linseg 0, 0.4, 1, p3 - 0.8, 1, 0.4, 0
  aL   poscil 0.3 * kEnv, p4, iTable
  aR   poscil 0.3 * kEnv, p4 * 1.002, iTable   ; a hair detuned on the right for width
  outs aL, aR
endin

</CsInstruments>
<CsScore>
i 1 0   2   220     1
i 1 2   2.5 55      2
</CsScore>
</CsoundSynthesizer>
