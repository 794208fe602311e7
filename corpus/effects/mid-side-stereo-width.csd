<CsoundSynthesizer>
; mid-side-stereo-width.csd
; Stereo width control with mid/side processing. A stereo pad (two detuned
; voices panned apart) is encoded to mid = (L+R)/2 and side = (L-R)/2; the
; side signal is scaled by a width factor (0 = mono, 1 = unchanged,
; 2 = extra wide) and decoded back to left/right.
; Shows: M/S encode and decode, a stereo-width UDO, sweeping width.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

gaL init 0
gaR init 0

opcode StereoWidth, aa, aak
  aL, aR, kWidth xin
  aMid  = (aL + aR) * 0.5
  aSide = (aL - aR) * 0.5 * kWidth
  xout aMid + aSide, aMid - aSide
endop

instr Pad
  iCps = cpspch(p4)
  aEnv linseg 0, 0.3, 1, p3 - 0.6, 1, 0.3, 0
  ; left and right voices differ in tuning and waveform
  gaL += vco2(0.1, iCps * 0.997) * aEnv
  gaR += dcblock2(vco2(0.1, iCps * 1.003, 2, 0.3)) * aEnv
endin

instr Width
  kWidth linseg 0, p3 * 0.4, 1, p3 * 0.4, 2, p3 * 0.2, 2
  aL, aR StereoWidth gaL, gaR, kWidth
  outs aL, aR
  clear gaL, gaR
endin

</CsInstruments>
<CsScore>
i "Width" 0 5
i "Pad" 0 5 7.00
i "Pad" 0 5 7.07
i "Pad" 0 5 8.04
e
</CsScore>
</CsoundSynthesizer>
