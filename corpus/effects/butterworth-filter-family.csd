<CsoundSynthesizer>
; butterworth-filter-family.csd
; The four Butterworth filters side by side: butlp, buthp, butbp and butbr.
; A bright pulse chord goes into a channel named "dry" with chnmix; a filter
; instrument chooses which Butterworth filter to apply from p4, and a last
; instrument clears the channel every control cycle.
; Shows: chnmix/chnget/chnclear named buses, if/elseif dispatch on a p-field.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

instr Source
  kEnv linseg 0, 0.05, 1, p3 - 0.1, 1, 0.05, 0
  aSig = vco2(0.1, 110, 2, 0.3) + vco2(0.1, 165, 2, 0.3) + vco2(0.1, 220, 2, 0.3)
  aSig = dcblock2(aSig)            ; pulse waves carry a DC offset
  chnmix aSig * kEnv, "dry"
endin

instr Butter
  iType = p4
  aIn   chnget "dry"
  kCf   expseg 200, p3, 3000       ; centre / cutoff moves for every type
  if iType == 0 then
    aOut butlp aIn, kCf
  elseif iType == 1 then
    aOut buthp aIn, kCf
  elseif iType == 2 then
    aOut butbp aIn, kCf, kCf * 0.3 ; bandwidth tracks the centre
  else
    aOut butbr aIn, kCf, kCf * 0.5
  endif
  outs aOut, aOut
endin

; the bus is emptied by its own always-on instrument, numbered after the
; readers, so it is cleared every k-cycle even between filter notes
instr ClearBus
  chnclear "dry"
endin

</CsInstruments>
<CsScore>
i "Source" 0 5
i "ClearBus" 0 5
; p4: 0 lowpass, 1 highpass, 2 bandpass, 3 band-reject
i "Butter" 0    1.2 0
i "Butter" 1.25 1.2 1
i "Butter" 2.5  1.2 2
i "Butter" 3.75 1.2 3
e
</CsScore>
</CsoundSynthesizer>
