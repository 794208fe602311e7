<CsoundSynthesizer>
; score-loops-sections.csd
; Structure in the score language: a { } loop repeats lines with a counter
; macro, "s" ends a section (time restarts at 0 in the next), "r" repeats the
; following section with its own counter, "m"/"n" mark a named section and
; replay it, and "b" shifts the clock for the lines that follow.
; Shows: { N MACRO } loops with [$MACRO.] arithmetic, s, r, m, n, b.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

instr 1
  aEnv expsega 1, p3, 0.01
  aSig = oscili(p4, cpsmidinn(p5)) * aEnv
  outs aSig, aSig
endin

</CsInstruments>
<CsScore>
; --- section 1: a loop of 6 notes, counter CNT goes 0..5 ---
{ 6 CNT
i 1 [$CNT. * 0.15] 0.2 0.25 [60 + $CNT. * 2]
}
s
; --- section 2: repeated twice, counter REP is 1 then 2 ---
r 2 REP
m motif
i 1 0    0.3 0.3 [64 + $REP.]
i 1 0.25 0.3 0.3 [67 + $REP.]
s
; --- section 3: replay the named section, then shift time with b ---
n motif
b 0.5
i 1 0 0.8 0.3 72
e
</CsScore>
</CsoundSynthesizer>
