<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Segment envelopes: linseg, expseg and transeg
; The same attack/decay shape drawn three ways. linseg joins points with straight lines;
; expseg uses exponential curves (values must never be zero, so it starts at 0.001), which
; sound natural for decays; transeg gives each segment its own curvature (negative = fast
; start, positive = slow start). Each note uses one generator on the same tone.

sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

instr 1  ; p4 = 1 linseg, 2 expseg, 3 transeg
  if p4 == 1 then
    kEnv linseg 0, 0.01, 1, p3 - 0.01, 0
  elseif p4 == 2 then
    kEnv expseg 0.001, 0.01, 1, p3 - 0.01, 0.001
  else
    ;            start dur  curve  value  dur       curve  end
    kEnv transeg 0,    0.01, 0,    1,     p3 - 0.01, -6,   0
  endif
  aSig = vco2(0.4, 196, 10) * kEnv
  aSig = tone(aSig, 3000)
  outs aSig, aSig
endin

</CsInstruments>
<CsScore>
i 1 0   1.2 1
i 1 1.3 1.2 2
i 1 2.6 1.2 3
</CsScore>
</CsoundSynthesizer>
