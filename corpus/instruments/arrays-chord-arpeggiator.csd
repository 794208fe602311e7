<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Arpeggiator with arrays and loops
; A chord is an array of intervals; a metro clock steps an index through it, up and down,
; and starts a short note for each step with schedulek. An i-time while loop builds the
; array of MIDI notes from the root and the intervals when the arpeggiator starts.

sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

instr 1  ; arpeggiator: p4 = root MIDI note, p5 = steps per second
  iIntervals[] fillarray 0, 3, 7, 10, 12, 15
  iNotes[] init lenarray(iIntervals)
  iIndex = 0
  while iIndex < lenarray(iIntervals) do
    iNotes[iIndex] = p4 + iIntervals[iIndex]
    iIndex += 1
  od
  kStep     init 0
  kDir      init 1
  if metro(p5) == 1 then
    schedulek 2, 0, 0.2, iNotes[kStep]
    if kStep + kDir >= lenarray(iNotes) || kStep + kDir < 0 then
      kDir = -kDir                     ; bounce at either end
    endif
    kStep += kDir
  endif
endin

instr 2  ; one plucky note: p4 = MIDI note
  aEnv expseg 1, p3, 0.01
  aSig vco2 0.3, cpsmidinn(p4), 10
  aSig = butterlp(aSig, 2500) * aEnv
  outs aSig, aSig
endin

</CsInstruments>
<CsScore>
i 1 0 2 57 8
i 1 2 2 53 8
</CsScore>
</CsoundSynthesizer>
