<CsoundSynthesizer>
; tuning-systems.csd
; The same major-scale phrase in four tunings: 12-tone equal temperament,
; 5-limit just intonation (ratios stored in an array), 19-tone equal
; temperament (scale degrees mapped to 19-TET steps), and a tuning table read
; by cpstuni (GEN -2 with the table header cpstuni expects). A sustained drone
; on the tonic makes the interval differences audible.
; Shows: frequency from ratios, 2^(n/N) for any equal temperament, cpstuni
; table layout (numgrades, interval, base Hz, base key, ratios...).
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

; cpstuni table: 12 grades per octave, octave ratio 2, 261.63 Hz at key 60,
; then the 12 ratios (here a Pythagorean tuning built from pure fifths)
giPyth ftgen 0, 0, 64, -2, 12, 2, 261.63, 60,
             1, 256/243, 9/8, 32/27, 81/64, 4/3, 729/512, 3/2, 128/81, 27/16, 16/9, 243/128

instr Phrase
  iSystem = p4
  iBase   = 261.63
  iSteps[]  fillarray 0, 2, 4, 5, 7, 9, 11, 12       ; semitone degrees
  iJust[]   fillarray 1, 9/8, 5/4, 4/3, 3/2, 5/3, 15/8, 2
  i19[]     fillarray 0, 3, 6, 8, 11, 14, 17, 19     ; major scale in 19-TET
  iOrder[]  fillarray 0, 2, 4, 7, 4, 5, 2, 0         ; which degrees to play
  iN = 0
  while iN < lenarray(iOrder) do
    iDeg = iOrder[iN]
    if iSystem == 0 then
      iCps = iBase * 2 ^ (iSteps[iDeg] / 12)
    elseif iSystem == 1 then
      iCps = iBase * iJust[iDeg]
    elseif iSystem == 2 then
      iCps = iBase * 2 ^ (i19[iDeg] / 19)
    else
      iCps = cpstuni(60 + iSteps[iDeg], giPyth)
    endif
    schedule "Tone", iN * 0.12, 0.14, iCps
    iN += 1
  od
  schedule "Drone", 0, 1.0, iBase / 2
endin

instr Tone
  kEnv linseg 0, 0.01, 0.2, p3 - 0.03, 0.2, 0.02, 0
  aSig = vco2(kEnv, p4, 12)
  outs aSig, aSig
endin

instr Drone
  kEnv linseg 0, 0.05, 0.15, p3 - 0.1, 0.15, 0.05, 0
  aSig = vco2(kEnv, p4) + vco2(kEnv, p4 * 1.5)
  aSig = butlp(aSig, 1200)
  outs aSig, aSig
endin

</CsInstruments>
<CsScore>
;                0 12-TET, 1 just, 2 19-TET, 3 Pythagorean table
i "Phrase" 0   0.01 0
i "Phrase" 1.1 0.01 1
i "Phrase" 2.2 0.01 2
i "Phrase" 3.3 0.01 3
e 4.5
</CsScore>
</CsoundSynthesizer>
