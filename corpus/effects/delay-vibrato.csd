<CsoundSynthesizer>
; delay-vibrato.csd
; Vibrato on any signal, not just an oscillator: reading a short delay line
; with a periodically changing delay time raises and lowers the pitch (the
; Doppler effect). Only the delayed, modulated signal is output, unlike a
; chorus which mixes it with the dry sound. Vibrato depth fades in like a
; singer's.
; Shows: vdelay3 pitch modulation, depth in ms vs pitch deviation, delayed
; vibrato onset.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

gaVib init 0

instr Reed
  iCps = cpspch(p4)
  aSig = dcblock2(vco2(0.25, iCps, 2, 0.2))   ; block the pulse DC offset
  gaVib += tone(aSig, 3000) * linseg(0, 0.05, 1, p3 - 0.15, 1, 0.1, 0)
endin

instr Vibrato
  kDepth linseg 0, 1.4, 0, 1.0, 1.5          ; depth in ms, fades in on the long note
  aMod   oscili kDepth, 5.5
  aOut   vdelay3 gaVib, 3 + aMod, 10         ; 3 ms centre delay
  outs aOut, aOut
  clear gaVib
endin

</CsInstruments>
<CsScore>
i "Vibrato" 0 5
i "Reed" 0 0.9 8.09
i "Reed" 1 3.5 9.00
e
</CsScore>
</CsoundSynthesizer>
