<CsoundSynthesizer>
; string-resonator-streson.csd
; Sympathetic strings: unpitched input (noise bursts and a click pattern)
; excites a bank of streson string resonators tuned to a chord, so the noise
; rings with pitch, like a piano with the sustain pedal down. The feedback
; gain sets how long the strings ring.
; Shows: streson as an effect, a resonator bank in a loop over an array,
; summing audio inside a while loop at performance time.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

gaExcite init 0

instr Burst
  gaExcite += rand(0.3) * expsega(1, p3, 0.001)
endin

; a resonator UDO that calls itself to build a bank, one string per array entry
opcode StringBank, a, ai[]ki
  aIn, iFreqs[], kFb, iIndex xin
  aRes streson aIn, iFreqs[iIndex], kFb
  if iIndex < lenarray(iFreqs) - 1 then
    aRest StringBank aIn, iFreqs, kFb, iIndex + 1
    aRes += aRest
  endif
  xout aRes
endop

instr Strings
  iChord[] fillarray 130.8, 196, 261.6, 329.6, 392
  aBank StringBank gaExcite, iChord, 0.995, 0
  aOut  = dcblock2(aBank) * 0.2
  aL, aR pan2 aOut, 0.5
  outs aL + gaExcite * 0.2, aR + gaExcite * 0.2
  clear gaExcite
endin

</CsInstruments>
<CsScore>
i "Strings" 0 5
i "Burst" 0   0.05
i "Burst" 0.7 0.02
i "Burst" 1.2 0.3
i "Burst" 2.5 0.05
i "Burst" 2.75 0.05
e
</CsScore>
</CsoundSynthesizer>
