<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Phase distortion synthesis
; Casio-style phase distortion: pdhalf bends the phase ramp before it reads a cosine table.
; With no bend the output is a plain cosine; a strong negative bend brightens it towards a
; saw-like tone. An envelope on the bend amount acts like a filter envelope.

sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

giCos ftgen 0, 0, 8192, 9, 1, 1, 90   ; cosine: partial 1, amp 1, phase 90 degrees

instr 1
  iCps   = cpsmidinn(p4)
  kShape expseg 0.001, 0.01, 0.95, p3 - 0.01, 0.05   ; bright attack, mellow tail
  aPhase phasor iCps
  aBent  pdhalf aPhase, -kShape                       ; bend the phase ramp
  aSig   tablei aBent, giCos, 1
  aEnv   expsegr 0.001, 0.005, 1, p3, 0.01, 0.1, 0.001
  aOut   = aSig * aEnv * 0.3
  outs aOut, aOut
endin

</CsInstruments>
<CsScore>
i 1 0   1.2 48
i 1 0.5 1.2 55
i 1 1   1.2 60
i 1 2   2   36
</CsScore>
</CsoundSynthesizer>
