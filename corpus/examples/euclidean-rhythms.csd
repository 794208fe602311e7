<CsoundSynthesizer>
; euclidean-rhythms.csd
; Euclidean rhythms spread k hits as evenly as possible over n steps
; (E(3,8) is the tresillo, E(5,8) the cinquillo). A step is a hit when
; ((step + rotation) * k) mod n < k, a compact formula equivalent to
; Bjorklund's algorithm up to rotation. Three drum voices use different
; patterns built by the same UDO.
; Shows: a UDO returning a k[] pattern array, modulo arithmetic, a shared
; 16th-note clock, drum synthesis with noise and pitch envelopes.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

; Euclid: hits, steps, rotation -> array of 0/1
opcode Euclid, k[], iii
  iHits, iSteps, iRot xin
  kPattern[] init iSteps
  iN = 0
  while iN < iSteps do
    kPattern[iN] init ((((iN + iRot) * iHits) % iSteps) < iHits ? 1 : 0)
    iN += 1
  od
  xout kPattern
endop

instr Rhythm
  kKick[]  Euclid 3, 8, 0
  kSnare[] Euclid 2, 8, 2
  kHat[]   Euclid 5, 8, 1
  kTick    metro 8                             ; 8th notes at 120 bpm * 2
  kStep    init 0
  if kTick == 1 then
    if kKick[kStep] == 1 then
      event "i", "Kick", 0, 0.3
    endif
    if kSnare[kStep] == 1 then
      event "i", "Snare", 0, 0.2
    endif
    if kHat[kStep] == 1 then
      event "i", "Hat", 0, 0.05
    endif
    kStep = (kStep + 1) % 8
  endif
endin

instr Kick
  kPitch expseg 180, 0.05, 55, p3 - 0.05, 45
  aSig   = oscili(0.45, kPitch) * expsega(1, p3, 0.001)
  outs aSig, aSig
endin

instr Snare
  aEnv expsega 1, p3, 0.001
  aSig = (butbp(rand(0.4), 2500, 2000) + oscili(0.15, 200)) * aEnv
  outs aSig, aSig
endin

instr Hat
  aSig = buthp(rand(0.3), 8000) * expsega(1, p3, 0.001)
  outs aSig * 0.7, aSig
endin

</CsInstruments>
<CsScore>
i "Rhythm" 0 4
e 4.3
</CsScore>
</CsoundSynthesizer>
