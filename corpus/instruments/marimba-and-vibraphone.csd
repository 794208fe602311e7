<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Mallet percussion: marimba and vibes
; Both opcodes play a strike sample (the mallet) into modal resonators. They need a table
; holding the mallet impact; instead of the usual sound file this piece draws a short
; impulse-like click with GEN07, which works well as a hard mallet. The vibraphone adds
; its tremolo motor through a sine table.

sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

giMallet ftgen 0, 0, 256, -7, 0, 4, 1, 8, -0.6, 16, 0.2, 32, 0, 196, 0   ; a short click
giSine   ftgen 0, 0, 8192, 10, 1

instr 1  ; marimba: p4 = MIDI note
  ;                amp  freq           hard  pos    mallet    vibf vibamp vibfn dec
  aSig marimba     0.2, cpsmidinn(p4), 0.5,  0.561, giMallet, 6,   0.05,  giSine, 0.1
  outs aSig, aSig
endin

instr 2  ; vibraphone: p4 = MIDI note
  aSig vibes       0.2, cpsmidinn(p4), 0.5,  0.561, giMallet, 4,   0.3,   giSine, 0.1
  aEnv linseg 1, p3 - 0.1, 1, 0.1, 0
  outs aSig * aEnv, aSig * aEnv
endin

</CsInstruments>
<CsScore>
i 1 0    0.6 60
i 1 0.25 0.6 64
i 1 0.5  0.6 67
i 1 0.75 0.8 72
i 2 1.5  2.5 60
i 2 1.5  2.5 64
i 2 1.5  2.5 71
</CsScore>
</CsoundSynthesizer>
