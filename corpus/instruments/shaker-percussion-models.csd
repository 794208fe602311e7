<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Particle percussion: tambourine, cabasa and sleigh bells
; These PhISEM models (physically informed stochastic event modelling) simulate many small
; objects colliding. Each note is one shake; the opcodes decay on their own, so the
; instruments only need a start time and an amplitude. A tiny pattern mixes the three.

sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

instr 1  ; tambourine, slightly left
  aSig tambourine 0.4, 0.01
  outs aSig * 0.7, aSig * 0.4
endin

instr 2  ; cabasa, slightly right
  aSig cabasa 0.5, 0.01
  outs aSig * 0.4, aSig * 0.7
endin

instr 3  ; sleigh bells, centre
  aSig sleighbells 0.3, 0.01
  outs aSig * 0.5, aSig * 0.5
endin

</CsInstruments>
<CsScore>
i 1 0    0.5
i 2 0.25 0.3
i 2 0.5  0.3
i 1 0.75 0.5
i 3 1    1
i 2 1.5  0.3
i 1 1.75 0.5
i 2 2    0.3
i 3 2.5  1
i 1 3    0.5
</CsScore>
</CsoundSynthesizer>
