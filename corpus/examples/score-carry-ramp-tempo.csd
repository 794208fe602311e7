<CsoundSynthesizer>
; score-carry-ramp-tempo.csd
; Shorthand of the standard numeric score. "t" sets a tempo map (here an
; accelerando), so times are in beats. "+" in p2 starts a note when the
; previous one ends, "^+x" starts x beats after the previous start, "." copies
; the value above, "<" ramps linearly between the values around it, and
; square brackets evaluate arithmetic. np/pp read the next/previous note's p-field.
; Shows: t, +, ^+, ., <, [ ], np, pp in the score; p-fields for amp and pitch.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

instr 1
  iAmp  = p4
  iCps  = cpspch(p5)
  iNext = p6                         ; the next note's pitch, taken with np5
  kEnv  linseg 0, 0.01, iAmp, p3 - 0.06, iAmp * 0.7, 0.05, 0
  aSig  = vco2(kEnv, iCps, 12)
  ; a soft grace tone toward the next pitch at the end of each note
  aSig += oscili(kEnv * 0.15, cpspch(iNext))
  outs aSig, aSig
endin

</CsInstruments>
<CsScore>
; tempo: 100 bpm at beat 0, accelerating to 200 bpm at beat 8
t 0 100 8 200
;   start dur  amp   pitch  next
i 1 0     0.9  0.1   8.00   np5
i 1 +     .    <     8.02   np5
i 1 +     .    <     8.04   np5
i 1 +     .    <     8.05   np5
i 1 +     .    0.35  8.07   np5
; ^+0.5: start half a beat after the previous start (overlapping)
i 1 ^+0.5 [3/2] 0.2  8.09   np5
i 1 ^+0.5 .    .     8.11   np5
; [ ] arithmetic, pp5 copies the previous pitch
i 1 +     [1 + 1/2]  0.25  pp5  9.00
e
</CsScore>
</CsoundSynthesizer>
