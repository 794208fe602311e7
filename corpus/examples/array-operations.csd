<CsoundSynthesizer>
; array-operations.csd
; A tour of Csound arrays used to build a chord progression: fillarray and
; genarray to create arrays, whole-array arithmetic (adding a transposition
; to every element), maxarray/minarray/sumarray for statistics, sorta for
; sorting, slicearray for sub-ranges, and a 2-D array for a chord table.
; Each chord of the table is played with a loop of schedule calls.
; Shows: i[] and 2-D arrays, array arithmetic, array functions, printarray.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

instr Progression
  iTriad[]  fillarray 0, 4, 7              ; major triad intervals
  iIndex[]  genarray 0, 3                  ; 0, 1, 2, 3
  iChord[]  = iTriad + 60                  ; add 60 to every element
  printarray iChord, "%d", "C major:"
  iMax maxarray iChord
  iMin minarray iChord
  prints "range %d..%d, sum %d, %d chords\n", iMin, iMax, sumarray(iChord), lenarray(iIndex)

  ; 2-D array: four chords, three notes each
  iTable[][] init 4, 3
  iTable fillarray 60, 64, 67,   57, 60, 64,   65, 69, 72,   67, 71, 74
  iRow = 0
  while iRow < 4 do
    iNotes[] getrow iTable, iRow
    iSorted[] sortd iNotes                 ; highest note first
    iTop[] slicearray iSorted, 0, 1        ; the two upper notes
    iN = 0
    while iN < lenarray(iNotes) do
      schedule "Tone", iRow, 0.95, iNotes[iN], 0.12
      iN += 1
    od
    ; double the upper notes an octave up, quietly
    schedule "Tone", iRow, 0.95, iTop[0] + 12, 0.05
    schedule "Tone", iRow, 0.95, iTop[1] + 12, 0.05
    iRow += 1
  od
endin

instr Tone
  kEnv linseg 0, 0.02, p5, p3 - 0.12, p5, 0.1, 0
  aSig = vco2(kEnv, mtof:i(p4), 12)
  outs aSig, aSig
endin

</CsInstruments>
<CsScore>
i "Progression" 0 0.01
e 4.2
</CsScore>
</CsoundSynthesizer>
