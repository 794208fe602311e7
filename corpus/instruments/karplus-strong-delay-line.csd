<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Karplus-Strong built from a delay line
; The plucked-string algorithm written out by hand: a noise burst enters a feedback loop made
; of delayr/deltapi/delayw, and a one-pole low-pass (tone) in the loop removes high
; frequencies a little more on each pass. The delay time sets the pitch, the feedback gain
; sets the sustain, and the filter cutoff sets how quickly the tone darkens.

sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

instr 1  ; p4 = MIDI note, p5 = feedback (0.9 .. 0.999), p6 = loop filter cutoff in Hz
  iCps   = cpsmidinn(p4)
  iDelay = 1 / iCps
  ; excitation: 1 period of white noise
  aBurst = rand(0.4) * linseg(1, iDelay, 1, 0, 0, 1, 0)
  aLoop  init 0
  aBuf   delayr 0.1                  ; room for notes down to 10 Hz
  aTap   deltapi iDelay
  aLoop  = tone(aTap, p6) * p5       ; damping inside the loop
         delayw aBurst + aLoop
  aOut   = dcblock2(aTap) * linseg(1, p3 - 0.05, 1, 0.05, 0)
  outs aOut, aOut
endin

</CsInstruments>
<CsScore>
;              note feedback cutoff
i 1 0    1.5   45   0.995    6000
i 1 0.5  1.5   52   0.99     3000
i 1 1    1.5   57   0.999    9000
i 1 2    2     40   0.98     1500
</CsScore>
</CsoundSynthesizer>
