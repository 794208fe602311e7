<CsoundSynthesizer>
; reinit-retrigger-envelope.csd
; reinit restarts the init pass of a block of code while the note keeps
; playing. Here a long note retriggers its own envelope and picks a new
; random pitch every time timout runs out, giving a stream of notes from one
; score event. rireturn marks the end of the re-initialised block.
; Shows: reinit / rireturn, timout with a label, i-time values that change
; on each re-initialisation.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

seed 11

instr 1
  iDur = p4                                  ; length of each sub-note
retrigger:
  ; everything from here to rireturn runs again on every reinit
  iNote = 60 + int(random(0, 5)) * 3         ; random minor third steps
  kEnv  expseg 0.001, 0.01, 1, iDur - 0.01, 0.001
  timout 0, iDur, continue                   ; while inside iDur, keep playing
  reinit retrigger                            ; time is up: start over
continue:
  rireturn
  aSig vco2 0.3 * kEnv, mtof:i(iNote), 12
  outs aSig, aSig
endin

</CsInstruments>
<CsScore>
;          sub-note length
i 1 0   2   0.25
i 1 2.2 2   0.125
e
</CsScore>
</CsoundSynthesizer>
