<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Recursive UDO: a bank of partials from one call
; Opcode calls inside a loop share one instance, so a loop cannot create a bank of
; oscillators. A UDO that calls itself can: each level adds one partial and recurses until
; the requested count is reached. Partial amplitudes fall as 1/n and each partial has its
; own slight vibrato, for an organ-like but living tone.

sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

opcode PartialBank, a, kii
  kCps, iCount, iIndex xin
  iHarmonic = iIndex + 1
  kVib = 1 + lfo(0.002, 4 + iIndex * 0.37)            ; every partial wobbles differently
  aSig poscil 1 / iHarmonic, kCps * iHarmonic * kVib
  if iIndex < iCount - 1 then
    aRest PartialBank kCps, iCount, iIndex + 1
    aSig += aRest
  endif
  xout aSig
endop

instr 1  ; p4 = MIDI note, p5 = number of partials
  aBank PartialBank cpsmidinn(p4), p5, 0
  aEnv  linseg 0, 0.2, 0.12, p3 - 0.4, 0.12, 0.2, 0
  outs aBank * aEnv, aBank * aEnv
endin

</CsInstruments>
<CsScore>
i 1 0 1.8 48 3
i 1 2 2   48 12
</CsScore>
</CsoundSynthesizer>
