<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Drawing waveforms with straight lines (GEN07)
; GEN07 builds a table from line segments: value, length, value, length... Here it draws a
; triangle, a ramp and a stepped "staircase" wave. Drawn waves are not band-limited, so the
; oscillator uses modest pitches, and a gentle low-pass rounds off the harshest edges.

sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

; negative GEN number (-7) keeps the drawn values exactly as written
giTriangle ftgen 0, 0, 4096, -7, 0, 1024, 1, 2048, -1, 1024, 0
giRamp     ftgen 0, 0, 4096, -7, -1, 4096, 1
giSteps    ftgen 0, 0, 4096, -7, 0, 0, 0, 1024, 0, 0, 0.5, 1024, 0.5, 0, 1, 1024, 1, 0, -1, 1024, -1

instr 1  ; p4 = pitch in Hz, p5 = which table (1, 2, 3)
  if p5 == 1 then
    iTable = giTriangle
  elseif p5 == 2 then
    iTable = giRamp
  else
    iTable = giSteps
  endif
  aSig oscili 0.35, p4, iTable
  aSig = tone(aSig, 5000)
  aEnv = linseg(0, 0.02, 1, p3 - 0.1, 1, 0.08, 0)
  outs aSig * aEnv, aSig * aEnv
endin

</CsInstruments>
<CsScore>
i 1 0   1 165 1
i 1 1.2 1 165 2
i 1 2.4 1 165 3
</CsScore>
</CsoundSynthesizer>
