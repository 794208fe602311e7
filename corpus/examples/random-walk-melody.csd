<CsoundSynthesizer>
; random-walk-melody.csd
; A bounded random walk over a pentatonic scale. Each step moves up or down
; by at most two scale degrees; when the walk hits the edge of the range it
; is reflected back inside. A fixed seed makes every render identical, which
; is what you want for tests and for reproducible generative music.
; Shows: seed, random at k-rate, integer scale-degree arithmetic, mirror for
; reflecting boundaries, a scale stored in an array with octave wrapping.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

seed 2024

instr Walker
  kScale[] fillarray 0, 2, 4, 7, 9           ; major pentatonic
  kDegree init 7                              ; start in the middle
  kTick   metro 6
  if kTick == 1 then
    kStep   = round(random:k(-2, 2))
    kDegree = mirror(kDegree + kStep, 0, 14)  ; stay inside 3 octaves
    kOct    = int(kDegree / 5)
    kNote   = 55 + kOct * 12 + kScale[kDegree % 5]
    event "i", "Blip", 0, 0.2, kNote
  endif
endin

instr Blip
  aEnv expsega 1, p3, 0.01
  aSig = oscili(0.3, mtof:i(p4)) * aEnv
  aSig += oscili(0.1, mtof:i(p4) * 3) * aEnv * aEnv
  outs aSig, aSig
endin

</CsInstruments>
<CsScore>
i "Walker" 0 4
e 4.3
</CsScore>
</CsoundSynthesizer>
