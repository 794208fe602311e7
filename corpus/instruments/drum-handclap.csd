<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Synthesised hand clap
; A clap is several hands hitting almost together: three quick noise bursts about 10 ms
; apart, then a longer reverberant tail. One linseg draws the three spikes and the tail,
; an exponential envelope shortens the tail, and a band-pass centres the noise near 1.2 kHz.

sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

instr 1  ; p4 = amplitude
  ; three spikes then a decaying tail
  aBursts linseg 0, 0.001, 1, 0.009, 0.1, 0.001, 1, 0.009, 0.1, 0.001, 1, 0.009, 0.2, 0.001, 0.6, p3 - 0.034, 0
  aTail   expseg 1, p3, 0.01
  aNoise  = butterbp(rand(1), 1200, 900)
  aClap   = aNoise * aBursts * aTail * p4 * 2
  outs aClap, aClap
endin

</CsInstruments>
<CsScore>
i 1 0.5 0.3 0.6
i 1 1.5 0.3 0.6
i 1 2.5 0.3 0.6
i 1 3.25 0.3 0.4
i 1 3.5 0.3 0.6
</CsScore>
</CsoundSynthesizer>
