<CsoundSynthesizer>
; self-scheduling-echo.csd
; Recursion in time: an instrument plays a note and then schedules another
; instance of itself a little later, quieter and transposed, passing its
; state along in p-fields. The chain stops when the amplitude is too small.
; This makes echoes, bouncing-ball patterns or cascades without any delay line.
; Shows: an instrument calling schedule on itself, p-fields as state,
; a stopping condition, changing the gap every generation (bouncing ball).
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

instr Bounce
  iAmp  = p4
  iNote = p5
  iGap  = p6
  iPan  = p7
  ; play this generation
  aEnv expsega 1, 0.15, 0.001
  aSig = oscili(iAmp, mtof:i(iNote)) * aEnv
  aL, aR pan2 aSig, iPan
  outs aL, aR
  ; schedule the next one: 70% amplitude, gap shrinking like a ball
  if iAmp > 0.02 then
    schedule "Bounce", iGap, 0.2, iAmp * 0.7, iNote + 1, iGap * 0.8, 1 - iPan
  endif
endin

</CsInstruments>
<CsScore>
;                 amp  note gap  pan
i "Bounce" 0 0.2  0.4  72   0.4  0.2
i "Bounce" 2 0.2  0.4  60   0.35 0.8
e 4.5
</CsScore>
</CsoundSynthesizer>
