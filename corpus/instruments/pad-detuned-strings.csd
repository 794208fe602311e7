<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Warm string pad
; Ensemble strings from cheap ingredients: three detuned saws per note, a slow attack and
; long release, a low-pass to soften them, and a chorus built from two modulated delay lines
; (vdelay3) so the pad breathes. Each chord note is its own event.

sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

instr 1  ; p4 = MIDI note
  iCps = cpsmidinn(p4)
  aSaws = vco2(0.1, iCps * 0.996) + vco2(0.1, iCps) + vco2(0.1, iCps * 1.004)
  aSaws = butterlp(aSaws, 2200)
  kEnv  madsr 0.8, 0.3, 0.8, 0.8
  aDry  = aSaws * kEnv
  ; chorus: two delay lines swept by slow, offset LFOs
  aModL = 12 + 4 * oscili(1, 0.3)          ; delay in ms
  aModR = 12 + 4 * oscili(1, 0.37, -1, 0.25)
  aL    vdelay3 aDry, aModL, 30
  aR    vdelay3 aDry, aModR, 30
  outs (aDry + aL) * 0.5, (aDry + aR) * 0.5
endin

</CsInstruments>
<CsScore>
i 1 0 3.5 50
i 1 0 3.5 57
i 1 0 3.5 62
i 1 0 3.5 65
i 1 0 3.5 69
</CsScore>
</CsoundSynthesizer>
