<CsoundSynthesizer>
; generative-ambient-sketch.csd
; A small self-composing piece. A conductor picks chords from a list with a
; seeded random choice, holds each as a soft pad, and sprinkles bell notes
; chosen from the current chord above it at random times. Everything is sent
; to a reverb bus. Change the seed to get a different, but equally
; repeatable, piece.
; Shows: seed, chord tables in a 2-D array, uniform random choice
; with int(random()), schedule from a k-rate loop, global reverb bus.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 48000
ksmps = 64
nchnls = 2
0dbfs = 1

seed 1234

gaVerbL init 0
gaVerbR init 0

instr Conductor
  iChords[][] init 4, 4
  iChords fillarray 57, 60, 64, 67,   53, 57, 60, 64,   55, 59, 62, 67,   52, 55, 59, 64
  iChordDur = 1.5
  iBar = 0
  while iBar < 3 do
    iPick = int(random(0, 4))
    iV = 0
    while iV < 4 do
      schedule "Pad", iBar * iChordDur, iChordDur + 0.5, iChords[iPick][iV]
      iV += 1
    od
    ; 3 to 5 bells per chord, from the chord tones two octaves up
    iBells = int(random(3, 6))
    iB = 0
    while iB < iBells do
      iTone = iChords[iPick][int(random(0, 4))] + 24
      schedule "Bell", iBar * iChordDur + random(0, iChordDur), 1.2, iTone
      iB += 1
    od
    iBar += 1
  od
endin

instr Pad
  kEnv linseg 0, 0.4, 0.05, p3 - 0.9, 0.05, 0.5, 0
  aSig = vco2(kEnv, mtof:i(p4)) + vco2(kEnv, mtof:i(p4) * 1.004)
  aSig = butlp(aSig, 1400)
  aL, aR pan2 aSig, random:i(0.3, 0.7)
  outs aL, aR
  gaVerbL += aL * 0.5
  gaVerbR += aR * 0.5
endin

instr Bell
  iCps = mtof:i(p4)
  aEnv expsega 1, p3, 0.001
  aSig = (oscili(0.12, iCps) + oscili(0.05, iCps * 2.76)) * aEnv
  aL, aR pan2 aSig, random:i(0, 1)
  outs aL, aR
  gaVerbL += aL * 0.8
  gaVerbR += aR * 0.8
endin

instr Reverb
  aL, aR reverbsc gaVerbL, gaVerbR, 0.88, 7000
  outs aL * 0.6, aR * 0.6
  clear gaVerbL, gaVerbR
endin

</CsInstruments>
<CsScore>
i "Conductor" 0 0.01
i "Reverb"    0 6
e
</CsScore>
</CsoundSynthesizer>
