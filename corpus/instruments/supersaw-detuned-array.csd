<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Supersaw from a detune array
; An array holds the detune factors of seven saw voices. A recursive UDO creates one
; vco2 per array element (a plain loop would reuse a single opcode instance), spreads
; them in stereo and sums them: the thick "supersaw" used for trance leads and pads.

sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

; Recursive voice stack: each call makes one saw and calls itself for the next index.
opcode SawStack, aa, ik[]i
  iCps, kDetune[], iIndex xin
  iCount = lenarray(kDetune)
  aSaw   vco2 1, iCps * i(kDetune, iIndex)
  iPan   = (iIndex + 0.5) / iCount            ; voices fanned from left to right
  aL = aSaw * sqrt(1 - iPan)
  aR = aSaw * sqrt(iPan)
  if iIndex < iCount - 1 then
    aNextL, aNextR SawStack iCps, kDetune, iIndex + 1
    aL += aNextL
    aR += aNextR
  endif
  xout aL, aR
endop

instr 1
  kDetune[] fillarray 0.988, 0.993, 0.997, 1, 1.003, 1.007, 1.012
  iCps = cpsmidinn(p4)
  aL, aR SawStack iCps, kDetune, 0
  kEnv madsr 0.05, 0.3, 0.6, 0.3
  kCut expseg 800, 0.4, 5000, p3 - 0.4, 2000
  aL = moogladder(aL, kCut, 0.2) * kEnv * 0.35
  aR = moogladder(aR, kCut, 0.2) * kEnv * 0.35
  outs aL, aR
endin

</CsInstruments>
<CsScore>
i 1 0 1.5 62
i 1 1.5 1.5 65
i 1 3 1.5 69
</CsScore>
</CsoundSynthesizer>
