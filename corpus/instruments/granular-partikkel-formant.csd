<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Pulsar and formant textures with partikkel
; partikkel is a granular engine with dozens of controls. This instrument uses a small,
; readable subset: grain rate (heard as pitch once it passes ~20 Hz), grain duration, and
; the waveform frequency inside each grain (heard as a formant). The grain rate sweeps from
; a rhythmic pulse train up to a pitched buzz; the formant glides independently.
; Unused features get partikkel's defaults (-1 tables, zero FM, no trainlets).

sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

giSine    ftgen 0, 0, 8192, 10, 1
giCosine  ftgen 0, 0, 8192, 11, 1
giSigmoid ftgen 0, 0, 8193, 19, 0.5, 0.5, 270, 0.5   ; rising half cosine for grain attack/decay

instr 1
  kGrainRate expseg 6, p3 * 0.5, 110, p3 * 0.5, 110   ; grains per second
  kFormant   expseg 600, p3 * 0.5, 1200, p3 * 0.5, 400 ; waveform frequency inside grains
  kDuration  = 1000 / kGrainRate * 1.5                  ; grain length in ms, 1.5 overlaps
  aSilence   = a(0)
  aPulses partikkel kGrainRate, 0, -1, aSilence, 0, -1, giSigmoid, giSigmoid, 0.3, 0.5, \
                    kDuration, 0.1, -1, kFormant, 0.5, -1, -1, aSilence, -1, giSigmoid, \
                    giCosine, 1, 1, 1, -1, 0, giSine, giSine, giSine, giSine, -1, \
                    aSilence, aSilence, aSilence, aSilence, 1, 1, 1, 1, 200
  aEnv linseg 0, 0.05, 1, p3 - 0.35, 1, 0.3, 0
  aOut = aPulses * aEnv
  outs aOut, aOut
endin

</CsInstruments>
<CsScore>
i 1 0 4
</CsScore>
</CsoundSynthesizer>
