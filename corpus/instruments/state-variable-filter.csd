<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; State-variable filter: low, high and band outputs at once
; svfilter returns low-pass, high-pass and band-pass versions of the same input. This
; instrument filters pulse-wave chords and chooses an output per note (p5), while an LFO
; moves the cutoff so the difference between the three responses is easy to hear.

sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

instr 1  ; p4 = MIDI note, p5 = 0 low, 1 high, 2 band
  aSrc vco2 0.3, cpsmidinn(p4), 2, 0.3
  kCut = 400 + 300 * lfo(1, 2)
  aLow, aHigh, aBand svfilter aSrc, kCut, 10
  if p5 == 0 then
    aSig = aLow
  elseif p5 == 1 then
    aSig = aHigh
  else
    aSig = aBand
  endif
  aSig = clip(aSig, 0, 0.9) * linseg(0, 0.02, 0.8, p3 - 0.1, 0.8, 0.08, 0)
  outs aSig, aSig
endin

</CsInstruments>
<CsScore>
i 1 0 1.2 48 0
i 1 1.3 1.2 48 1
i 1 2.6 1.2 48 2
</CsScore>
</CsoundSynthesizer>
