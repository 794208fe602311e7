<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

; A two-operator FM voice with three mistakes for csound-lsp to find.
instr 1
  iAmp  = p4
  iFreq = p5
  kIndex linseg 0, p3 * 0.5, 6, p3 * 0.5, 1
  aMod  oscili iFreq * kIndex, iFreq * 1.4
  aCar  oscilli iAmp, iFreq + aMod
  aEnv  madsr 0.01, 0.2, 0.6, 0.4
  kTrem oscili 0.1, aMod
  outs  aCar * aEnv * (1 - kTrem), aCar * aEnv * (1 - kTrem)

instr 2
  aNoise rand 0.2
  outs aNoise, aNoise
endin
</CsInstruments>
<CsScore>
i 1 0 2 0.4 220
i 2 2 1
</CsScore>
</CsoundSynthesizer>
