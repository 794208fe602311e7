<CsoundSynthesizer>
; brickwall-limiter.csd
; A mastering-style limiter chain: a deliberately hot mix (peaks well above
; 0 dBFS before limiting) goes through compress2 set as a hard-knee limiter
; with lookahead, then a clip stage catches anything the envelope missed.
; The printed output shows the gain reduction working.
; Shows: compress2 as limiter (ratio 100, equal knees), clip with Bram de
; Jong method, rms metering with printks.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

gaMix init 0

instr Hot
  ; three loud, detuned saws: the sum can reach about 1.8
  iCps = cpspch(p4)
  aSig = vco2(0.6, iCps) + vco2(0.6, iCps * 1.5) + vco2(0.6, iCps * 2.01)
  gaMix += aSig * expsega(1, p3, 0.2)
endin

instr Limiter
  ; hard knee at -3 dBFS, ratio 100:1, 1 ms attack, 80 ms release, 5 ms lookahead
  aLim compress2 gaMix, gaMix, -90, -3, -3, 100, 0.001, 0.08, 0.005
  ; safety: clip (method 0, Bram de Jong) with 0.95 ceiling
  aOut clip aLim, 0, 0.95
  outs aOut, aOut
  kIn  rms gaMix
  kOut rms aOut
  printks "rms in %.3f  out %.3f\n", 0.5, kIn, kOut
  clear gaMix
endin

</CsInstruments>
<CsScore>
i "Limiter" 0 4
i "Hot" 0 1.8 6.09
i "Hot" 2 1.8 7.02
e
</CsScore>
</CsoundSynthesizer>
