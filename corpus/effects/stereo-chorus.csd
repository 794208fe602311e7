<CsoundSynthesizer>
; stereo-chorus.csd
; A three-voice chorus: each voice is a copy of the input through a short
; delay (about 10-25 ms) whose time is modulated by a slow LFO at a different
; phase. Voices are spread left, centre and right and mixed with the dry sound.
; Shows: vdelay3 with a-rate modulation, LFO phase offsets via oscili's iphs,
; a chorus UDO with stereo output.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

gaChorus init 0

opcode Chorus3, aa, akk
  aIn, kRate, kDepthMs xin
  iBase = 15                                 ; centre delay in ms
  aMod1 oscili kDepthMs, kRate, -1, 0
  aMod2 oscili kDepthMs, kRate, -1, 0.33
  aMod3 oscili kDepthMs, kRate, -1, 0.66
  aV1 vdelay3 aIn, iBase + aMod1, 50
  aV2 vdelay3 aIn, iBase + aMod2, 50
  aV3 vdelay3 aIn, iBase + aMod3, 50
  aL = aIn + aV1 * 0.7 + aV2 * 0.5
  aR = aIn + aV3 * 0.7 + aV2 * 0.5
  xout aL * 0.45, aR * 0.45
endop

instr Pad
  iCps = cpspch(p4)
  aSig vco2 0.15, iCps
  aSig = butlp(aSig, 2500) * linseg(0, 0.3, 1, p3 - 0.6, 1, 0.3, 0)
  gaChorus += aSig
endin

instr Chorus
  aL, aR Chorus3 gaChorus, 0.8, 5
  outs aL, aR
  clear gaChorus
endin

</CsInstruments>
<CsScore>
i "Chorus" 0 5
i "Pad" 0 4.5 7.00
i "Pad" 0 4.5 7.04
i "Pad" 0 4.5 7.07
i "Pad" 0 4.5 7.11
e
</CsScore>
</CsoundSynthesizer>
