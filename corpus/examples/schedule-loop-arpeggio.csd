<CsoundSynthesizer>
; schedule-loop-arpeggio.csd
; Writing notes from the orchestra instead of the score. A "conductor"
; instrument runs once and uses a while loop with schedule to lay out a
; rising-and-falling arpeggio over four chords; the score only starts the
; conductor. Chord roots and the chord shape live in arrays.
; Shows: schedule at init time, nested while loops, i-rate arrays, computed
; start times, string instrument names in schedule.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

instr Conductor
  iRoots[] fillarray 57, 53, 48, 55        ; A, F, C, G (MIDI)
  iShape[] fillarray 0, 7, 12, 16, 19, 16, 12, 7
  iStep    = 0.125                         ; seconds per note
  iChord   = 0
  while iChord < lenarray(iRoots) do
    iNote = 0
    while iNote < lenarray(iShape) do
      iStart = (iChord * lenarray(iShape) + iNote) * iStep
      schedule "Pluck", iStart, iStep * 2, iRoots[iChord] + iShape[iNote]
      iNote += 1
    od
    iChord += 1
  od
endin

instr Pluck
  iCps = mtof:i(p4)
  aEnv expsega 1, p3, 0.001
  aSig = vco2(0.25, iCps, 12) * aEnv
  aL, aR pan2 aSig, 0.3 + 0.4 * ((p4 % 12) / 12)
  outs aL, aR
endin

</CsInstruments>
<CsScore>
i "Conductor" 0 0.01
e 4.5
</CsScore>
</CsoundSynthesizer>
