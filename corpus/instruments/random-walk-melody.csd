<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Random-walk melody on a scale
; A melody that wanders: each step moves up or down the scale by a small random amount and
; is kept inside the array's range. seed makes it repeatable (use seed 0 for a new melody
; every run). Notes get slightly random lengths and loudness for a human feel.

sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

seed 2024

instr 1  ; composer: p4 = steps per second
  kScale[] fillarray 50, 52, 53, 55, 57, 58, 60, 62, 64, 65, 67, 69   ; D minor
  kDegree init 5
  if metro(p4) == 1 then
    kMove   = int(random:k(-2.99, 3))                   ; -2 .. +2 scale steps
    kDegree = limit(kDegree + kMove, 0, lenarray(kScale) - 1)
    kLen    = random:k(0.15, 0.4)
    kVel    = random:k(0.5, 1)
    schedulek 2, 0, kLen, kScale[kDegree], kVel
  endif
endin

instr 2  ; p4 = MIDI note, p5 = loudness
  aEnv  expsegr 0.001, 0.01, 1, p3, 0.05, 0.05, 0.001
  aSig  poscil 0.3 * p5, cpsmidinn(p4)
  aSig2 poscil 0.1 * p5, cpsmidinn(p4) * 2.001
  aOut = (aSig + aSig2) * aEnv
  outs aOut, aOut
endin

</CsInstruments>
<CsScore>
i 1 0 4 6
</CsScore>
</CsoundSynthesizer>
