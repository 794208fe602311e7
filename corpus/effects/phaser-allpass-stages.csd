<CsoundSynthesizer>
; phaser-allpass-stages.csd
; Two phaser designs. phaser1 cascades first-order allpass stages (here 8)
; whose shared frequency is swept; phaser2 uses second-order stages with a
; spacing parameter, producing more distinct notches. The source is a chord,
; mixed half dry so the phase cancellations become audible notches.
; Shows: phaser1 vs phaser2, exponential LFO mapping for a musical sweep.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

gaPh init 0

instr Chord
  aSig = vco2(0.1, 130.8) + vco2(0.1, 196) + vco2(0.1, 261.6)
  gaPh += aSig * linseg(0, 0.05, 1, p3 - 0.1, 1, 0.05, 0)
endin

instr Phaser
  iType = p4
  kLfo  = lfo(1, 0.4) * 0.5 + 0.5          ; 0..1
  kFreq = 200 * 2 ^ (kLfo * 4)              ; 200 Hz .. 3.2 kHz, even in octaves
  if iType == 1 then
    aWet phaser1 gaPh, kFreq, 8, 0.6
  else
    ; q 0.8, 6 stages, mode 1 (evenly spaced notches), separation 1.3, feedback 0.5
    aWet phaser2 gaPh, kFreq, 0.8, 6, 1, 1.3, 0.5
  endif
  aOut = (gaPh + aWet) * 0.35
  outs aOut, aOut
endin

instr ClearBus
  clear gaPh
endin

</CsInstruments>
<CsScore>
i "Chord"    0 5
i "ClearBus" 0 5
i "Phaser"   0   2.5 1
i "Phaser"   2.5 2.5 2
e
</CsScore>
</CsoundSynthesizer>
