<CsoundSynthesizer>
<CsOptions>
-n
</CsOptions>
<CsInstruments>
sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

; A call that returns an array, indexed where it is called (Csound 7 only).
instr 1
  iFirst = fillarray(3, 5, 8)[0]
  iLast = fillarray(3, 5, 8)[2]
  print iFirst + iLast
endin
</CsInstruments>
<CsScore>
i 1 0 0.1
</CsScore>
</CsoundSynthesizer>
