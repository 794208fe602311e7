<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; ADSR envelopes: adsr versus madsr
; adsr fits attack, decay and release inside the note's duration (p3), so the release starts
; before the note ends. madsr instead adds the release after the note ends (it extends the
; note), which is what a MIDI keyboard player expects. Same settings, different timing.

sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

instr 1  ; adsr: release happens inside p3
  kEnv adsr 0.05, 0.2, 0.5, 0.4
  aSig vco2 0.3 * kEnv, 220
  aSig = butterlp(aSig, 2500)
  outs aSig, aSig
endin

instr 2  ; madsr: release is added after p3
  kEnv madsr 0.05, 0.2, 0.5, 0.4
  aSig vco2 0.3 * kEnv, 330
  aSig = butterlp(aSig, 2500)
  outs aSig, aSig
endin

</CsInstruments>
<CsScore>
i 1 0 1.2     ; sounds for exactly 1.2 s
i 2 1.6 1.2   ; sounds for 1.2 s plus a 0.4 s release
</CsScore>
</CsoundSynthesizer>
