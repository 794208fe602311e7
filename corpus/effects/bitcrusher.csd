<CsoundSynthesizer>
; bitcrusher.csd
; Lo-fi degradation in two independent stages: bit-depth reduction rounds the
; signal to a small number of levels, and sample-rate reduction holds one
; sample for several output samples (samphold driven by mpulse). Both amounts
; change over time so the drum loop falls apart gradually.
; Shows: quantising with round on audio, samphold + mpulse as downsampler,
; a drum pattern made with metro and schedkwhen.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

gaDrums init 0

instr Loop
  kTick metro 4
  kStep init 0
  ; kick on 0 and 2, hat on every step
  schedkwhen kTick, 0, 0, "Hat", 0, 0.05
  if kTick == 1 && kStep % 2 == 0 then
    event "i", "Kick", 0, 0.3
  endif
  kStep += kTick
endin

instr Kick
  kPitch expseg 160, 0.08, 50, 0.2, 45
  aEnv   expsega 1, 0.3, 0.001
  gaDrums += oscili(0.7, kPitch) * aEnv
endin

instr Hat
  aEnv expsega 1, 0.05, 0.001
  gaDrums += buthp(rand(0.3), 7000) * aEnv
endin

instr Crusher
  kBits  linseg 16, p3 * 0.8, 3, p3 * 0.2, 3
  kLevels = 2 ^ (kBits - 1)
  aQuant = round(gaDrums * kLevels) / kLevels
  kHold  expseg 1, p3 * 0.8, 24, p3 * 0.2, 24     ; hold length in samples
  aClock mpulse 1, kHold / sr
  aCrush samphold aQuant, aClock
  outs aCrush * 0.7, aCrush * 0.7
  clear gaDrums
endin

</CsInstruments>
<CsScore>
i "Loop"    0 5
i "Crusher" 0 5
e
</CsScore>
</CsoundSynthesizer>
