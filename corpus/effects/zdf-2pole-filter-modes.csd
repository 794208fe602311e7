<CsoundSynthesizer>
; zdf-2pole-filter-modes.csd
; One white-noise source, seven responses: zdf_2pole can act as lowpass,
; highpass, bandpass, unity-gain bandpass, notch, allpass or peak filter.
; Each score note picks a mode with p4, so you hear them one after another
; while the cutoff glides up.
; Shows: mode selection from the score, a-rate/k-rate cutoff, rand noise.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

instr 1
  iMode = p4
  aNoise rand 0.2
  kCut   expon 300, p3, 4000
  aFilt  zdf_2pole aNoise, kCut, 4, iMode
  aEnv   linseg 0, 0.02, 1, p3 - 0.04, 1, 0.02, 0
  aOut   = aFilt * aEnv
  outs aOut, aOut
  prints "mode %d\n", iMode
endin

</CsInstruments>
<CsScore>
; modes: 0 LP, 1 HP, 2 BP, 3 unity BP, 4 notch, 5 allpass, 6 peak
i 1 0    0.6 0
i 1 0.65 0.6 1
i 1 1.3  0.6 2
i 1 1.95 0.6 3
i 1 2.6  0.6 4
i 1 3.25 0.6 5
i 1 3.9  0.6 6
e
</CsScore>
</CsoundSynthesizer>
