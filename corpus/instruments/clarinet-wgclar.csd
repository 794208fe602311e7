<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Clarinet with wgclar
; wgclar models a reed on a cylindrical bore, which is why it favours odd harmonics. The
; reed stiffness (kstiff) changes brightness and how easily the note speaks. The first
; note uses a soft reed, the second a stiff one.

sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

giSine ftgen 0, 0, 8192, 10, 1

instr 1  ; p4 = MIDI note, p5 = reed stiffness (-0.44 soft .. -0.1 stiff)
  iCps   = cpsmidinn(p4)
  kAmp   = 0.4
  aClar  wgclar kAmp, iCps, p5, 0.1, 0.1, 0.15, 5.5, 0.05, giSine
  aEnv   linseg 0, 0.03, 1, p3 - 0.13, 1, 0.1, 0
  aOut   = aClar * aEnv
  outs aOut, aOut
endin

</CsInstruments>
<CsScore>
i 1 0   1.8 50 -0.3
i 1 2   1.8 57 -0.15
</CsScore>
</CsoundSynthesizer>
