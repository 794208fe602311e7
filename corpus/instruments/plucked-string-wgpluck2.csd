<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Waveguide plucked string with wgpluck2
; wgpluck2 models a string as a delay line with a loss filter. Two parameters matter most:
; the pluck position (near the bridge = bright and thin, middle = round) and the reflection
; coefficient (how long the string rings). The score plucks the same note at two positions.

sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

instr 1  ; p4 = MIDI note, p5 = pluck position 0..1, p6 = reflection 0..1
  aStr wgpluck2 p5, 0.5, cpsmidinn(p4), 0.25, p6
  aStr = dcblock2(aStr)
  aEnv linseg 1, p3 - 0.05, 1, 0.05, 0
  outs aStr * aEnv, aStr * aEnv
endin

</CsInstruments>
<CsScore>
;             note pos  refl
i 1 0   1.4   52   0.1  0.4   ; close to the bridge
i 1 1.5 1.4   52   0.5  0.4   ; in the middle
i 1 3   2     45   0.2  0.1   ; less damping, longer ring
</CsScore>
</CsoundSynthesizer>
