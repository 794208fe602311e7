<CsoundSynthesizer>
; stochastic-distributions.csd
; Different random distributions give different musical characters. Onsets
; come from exprand (Poisson-like gaps), pitches from gauss (clustered round a
; centre), loudness from betarand (mostly soft with occasional accents) and
; stereo position from unirand (flat). The generator reschedules itself, so
; every note decides when the next one starts.
; Shows: exprand, gauss, betarand, unirand at i-time, self-rescheduling
; instrument, seed for reproducibility.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

seed 5

instr Cloud
  iGap   = 0.03 + exprand(0.12)              ; mean gap about 0.15 s
  iPitch = 72 + gauss(5)                     ; centred on C5, sd-ish 5 semitones
  iAmp   = 0.05 + betarand(0.35, 1, 3)       ; skewed towards quiet
  iPan   = unirand(1)
  schedule "Grain", 0, 0.25, iPitch, iAmp, iPan
  ; schedule the next generator call unless we are past the end
  if times:i() + iGap < 4 then
    schedule "Cloud", iGap, 0.01
  endif
endin

instr Grain
  aEnv expsega 0.001, 0.005, 1, p3 - 0.005, 0.001
  aSig = oscili(p5, mtof:i(p4)) * aEnv
  aL, aR pan2 aSig, p6
  outs aL, aR
endin

</CsInstruments>
<CsScore>
i "Cloud" 0 0.01
e 4.5
</CsScore>
</CsoundSynthesizer>
