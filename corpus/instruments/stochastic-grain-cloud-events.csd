<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Stochastic cloud of short events
; Instead of a fixed rhythm, gausstrig fires triggers around an average density with
; random deviation; each trigger starts a tiny sine blip whose pitch is drawn from an
; exponential distribution and whose position is random. The density rises over the note,
; from scattered drops to a dense cloud.

sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

seed 11

instr 1  ; event generator
  kDensity expseg 4, p3, 60                  ; average events per second
  kTrig    gausstrig 1, kDensity, 0.5        ; 50% random deviation of the timing
  if kTrig > 0 then
    kCps = 400 + exprand(1200)               ; mostly low, sometimes very high
    schedulek 2, 0, random:k(0.03, 0.12), kCps, random:k(0, 1)
  endif
endin

instr 2  ; blip: p4 = frequency, p5 = pan position
  aEnv  expseg 0.001, 0.005, 1, p3 - 0.005, 0.001
  aSig  oscili 0.15, p4
  aSig *= aEnv
  outs aSig * sqrt(1 - p5), aSig * sqrt(p5)
endin

</CsInstruments>
<CsScore>
i 1 0 4
</CsScore>
</CsoundSynthesizer>
