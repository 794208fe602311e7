<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Additive bell with inharmonic partials
; Church-bell partials sit at non-integer ratios (hum, prime, tierce, quint, nominal...).
; Each partial is its own event with its own decay time: the low hum rings longest, the
; bright upper partials fade first. Slight random detuning per strike keeps it alive.

sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

instr 1  ; strike: p4 = nominal pitch in Hz, p5 = amplitude
  iRatio[] fillarray 0.5, 1, 1.183, 1.506, 2, 2.514, 2.662, 3.011, 4.166
  iAmp[]   fillarray 0.5, 0.8, 0.6, 0.45, 0.7, 0.3, 0.25, 0.2, 0.12
  iDecay[] fillarray 1, 0.8, 0.6, 0.55, 0.5, 0.35, 0.3, 0.25, 0.18
  seed 7
  iPartial = 0
  while iPartial < lenarray(iRatio) do
    iCps = p4 * iRatio[iPartial] * (1 + random(-0.002, 0.002))
    schedule 2, 0, p3 * iDecay[iPartial], iCps, p5 * iAmp[iPartial]
    iPartial += 1
  od
endin

instr 2  ; a single decaying partial
  aEnv = expseg(0.001, 0.003, 1, p3 - 0.003, 0.0001)
  aSig = poscil(p5, p4) * aEnv
  iPan random 0.3, 0.7
  outs aSig * sqrt(1 - iPan), aSig * sqrt(iPan)
endin

</CsInstruments>
<CsScore>
i 1 0   4 440 0.12
i 1 1.5 4 587 0.08
</CsScore>
</CsoundSynthesizer>
