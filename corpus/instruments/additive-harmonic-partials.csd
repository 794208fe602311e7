<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Additive synthesis with one event per partial
; A "conductor" instrument loops over arrays of harmonic numbers and strengths and starts
; one sine-partial instrument per entry with schedule. Higher partials get shorter, softer
; envelopes, so the tone darkens as it decays, like a struck or plucked string.

sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

instr 1  ; conductor: p4 = fundamental in Hz, p5 = overall amplitude
  iHarm[] fillarray 1, 2, 3, 4, 5, 6, 7, 8
  iGain[] fillarray 1, 0.5, 0.33, 0.25, 0.2, 0.16, 0.14, 0.12
  iIndex = 0
  while iIndex < lenarray(iHarm) do
    iDur = p3 / (1 + iIndex * 0.4)                 ; upper partials die sooner
    schedule 2, 0, iDur, p4 * iHarm[iIndex], p5 * iGain[iIndex]
    iIndex += 1
  od
endin

instr 2  ; one partial: p4 = frequency, p5 = amplitude
  aEnv expseg 0.001, 0.01, 1, p3 - 0.01, 0.001
  aSig = oscili(aEnv * p5, p4)
  outs aSig, aSig
endin

</CsInstruments>
<CsScore>
i 1 0 2.5 220 0.15
i 1 1.5 2.5 330 0.12
</CsScore>
</CsoundSynthesizer>
