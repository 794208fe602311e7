<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Bowed string with wgbow
; wgbow models bow-string friction. Bow pressure decides the character: too little and
; the string barely speaks, moderate pressure gives a clean tone, more adds grit. The bow
; position and a delayed vibrato make the sustained note sound played rather than held.

sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

giSine ftgen 0, 0, 8192, 10, 1

instr 1  ; p4 = MIDI note, p5 = bow pressure
  iCps    = cpsmidinn(p4)
  kAmp    linseg 0, 0.2, 0.3, p3 - 0.4, 0.3, 0.2, 0     ; bow speed swell
  kPres   = p5
  kPos    = 0.127                                       ; bow position along the string
  kVibAmt linseg 0, 0.5, 0, 0.5, 0.004                  ; vibrato starts after half a second
  aStr wgbow kAmp, iCps, kPres, kPos, 5.5, kVibAmt, giSine
  aOut = dcblock2(aStr) * 0.8
  outs aOut, aOut
endin

</CsInstruments>
<CsScore>
i 1 0   2   55 3
i 1 2   2.5 62 4
</CsScore>
</CsoundSynthesizer>
