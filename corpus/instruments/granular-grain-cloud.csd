<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Granular cloud with grain
; grain scatters short windowed grains of a waveform. Density, random pitch offset and
; random amplitude offset are all controlled here: the cloud starts sparse and pitched,
; then thickens and smears into a shimmering texture. A Hanning window (GEN20) shapes each grain.

sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

giWave   ftgen 0, 0, 4096, 10, 1, 0.5, 0.3, 0.2, 0.1   ; source waveform, a soft saw-like tone
giWindow ftgen 0, 0, 4096, 20, 2                        ; Hanning window for each grain

instr 1
  kDens    expseg 8, p3 * 0.6, 200, p3 * 0.4, 60        ; grains per second
  kPitchOff line 0, p3, 80                               ; random pitch spread in Hz
  kGrainDur = 0.06
  aL grain 0.08, 330, kDens, 0.04, kPitchOff, kGrainDur, giWave, giWindow, 0.1
  aR grain 0.08, 330, kDens, 0.04, kPitchOff, kGrainDur, giWave, giWindow, 0.1
  aEnv linseg 0, 0.1, 1, p3 - 0.6, 1, 0.5, 0
  outs aL * aEnv, aR * aEnv
endin

</CsInstruments>
<CsScore>
i 1 0 4
</CsScore>
</CsoundSynthesizer>
