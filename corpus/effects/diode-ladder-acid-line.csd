<CsoundSynthesizer>
; diode-ladder-acid-line.csd
; A 303-flavoured bass sequence: a sawtooth through diode_ladder with an
; accent-dependent filter envelope. The sequence is stored in arrays and
; played by a k-rate clock inside one always-on instrument, which retriggers
; the envelopes with a trigger signal.
; Shows: metro clock, arrays as step sequences, triggered envelopes (trigExpseg).
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

instr Acid
  kNotes[]  fillarray 36, 36, 48, 36, 39, 36, 43, 41
  kAccent[] fillarray 1, 0, 1, 0, 0, 1, 0, 1
  kTick  metro 8                       ; sixteenth notes at 120 bpm
  kStep  init -1
  if kTick == 1 then
    kStep = (kStep + 1) % lenarray(kNotes)
  endif
  kCps   = cpsmidinn(kNotes[max(kStep, 0)])
  kCps   portk kCps, 0.02              ; tiny glide
  kEnv   trigExpseg kTick, 1, 0.12, 0.001
  kAmp   trigExpseg kTick, 1, 0.11, 0.05
  kAcc   = kAccent[max(kStep, 0)]
  kCut   = 150 + kEnv * (1200 + 2500 * kAcc)
  aSaw   vco2 0.5, kCps
  aFilt  diode_ladder aSaw, kCut, 12 + kAcc * 3, 1, 2
  aOut   = tanh(aFilt * kAmp * 4) * 0.7
  aOut   dcblock2 aOut
  outs aOut, aOut
endin

</CsInstruments>
<CsScore>
i "Acid" 0 4
e
</CsScore>
</CsoundSynthesizer>
