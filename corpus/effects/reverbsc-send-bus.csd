<CsoundSynthesizer>
; reverbsc-send-bus.csd
; The usual studio layout in Csound: every instrument outputs its dry signal
; and adds a send amount (p-field) to two global buses; one reverb
; instrument, numbered highest so it runs last, reads the buses through
; reverbsc and clears them.
; Shows: stereo global send buses, per-note send level, reverbsc, clear.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

gaRevL init 0
gaRevR init 0

instr 1                           ; FM bell-ish tone
  iCps  = cpspch(p4)
  iSend = p5
  kIdx  expon 4, p3, 0.2
  aEnv  expon 0.3, p3, 0.001
  aSig  foscili aEnv, iCps, 1, 1.4, kIdx
  aL, aR pan2 aSig, p6
  outs aL, aR
  gaRevL += aL * iSend
  gaRevR += aR * iSend
endin

instr 99                          ; reverb, always last in the chain
  aL, aR reverbsc gaRevL, gaRevR, 0.85, 8000
  outs aL, aR
  clear gaRevL, gaRevR
endin

</CsInstruments>
<CsScore>
;  start dur pitch send pan
i 99 0   6
i 1  0   1.5 8.00 0.2  0.3
i 1  0.5 1.5 8.07 0.5  0.7
i 1  1.0 1.5 9.04 0.8  0.5
i 1  1.5 2.5 8.02 1.0  0.2
e
</CsScore>
</CsoundSynthesizer>
