<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Blown flute with wgflute
; wgflute is a waveguide model of an air jet driving a bore. The breath noise level and the
; jet delay shape the tone; the attack and release times let the tone build and settle like
; a real breath. A phrase of short notes shows the model's soft, breathy onsets.

sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

giSine ftgen 0, 0, 8192, 10, 1

instr 1  ; p4 = MIDI note
  iCps   = cpsmidinn(p4)
  kAmp   = 0.5
  kJet   = 0.32          ; jet delay as a fraction of the bore delay
  iAtt   = 0.1
  iDetk  = 0.1
  kNoise = 0.12          ; breath noise
  kVib   = 0.03
  aFlute wgflute kAmp, iCps, kJet, iAtt, iDetk, kNoise, 5, kVib, giSine
  aEnv   linseg 0, 0.02, 1, p3 - 0.07, 1, 0.05, 0
  aOut   = aFlute * aEnv
  outs aOut, aOut
endin

</CsInstruments>
<CsScore>
i 1 0   0.5 72
i 1 0.5 0.5 74
i 1 1   0.5 76
i 1 1.5 1   79
i 1 2.6 1.4 77
</CsScore>
</CsoundSynthesizer>
