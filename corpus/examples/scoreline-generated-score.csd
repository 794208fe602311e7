<CsoundSynthesizer>
; scoreline-generated-score.csd
; Building score text as strings and sending it to Csound while it runs.
; At init time, scoreline_i accepts a block of score lines written between
; {{ and }}; at performance time, a k-rate loop formats one line per beat with
; sprintfk and sends it with scoreline.
; Shows: scoreline_i with a {{ }} multi-line string, sprintfk, scoreline at
; k-rate gated by a trigger, metro.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

instr Intro
  ; three notes written literally as score text
  scoreline_i {{
i "Tone" 0   0.4 0.3 64
i "Tone" 0.4 0.4 0.3 67
i "Tone" 0.8 0.8 0.3 72
  }}
endin

instr Generator
  kBeat metro 4
  kCount init 0
  if kBeat == 1 then
    kNote = 60 + (kCount * 5) % 24          ; a cycle of fourths
    SLine sprintfk {{i "Tone" 0 0.25 0.25 %d}}, kNote
    scoreline SLine, 1
    kCount += 1
  endif
endin

instr Tone
  aEnv linseg 0, 0.01, p4, p3 - 0.06, p4 * 0.5, 0.05, 0
  aSig oscili aEnv, mtof:i(p5)
  aSig += oscili(aEnv * 0.3, mtof:i(p5) * 2)
  outs aSig, aSig
endin

</CsInstruments>
<CsScore>
i "Intro"     0 0.1
i "Generator" 1.6 2.5
e 4.5
</CsScore>
</CsoundSynthesizer>
