<CsoundSynthesizer>
; vbap-circular-motion.csd
; Vector base amplitude panning on a two-loudspeaker layout at -45 and +45
; degrees. A sound source moves back and forth between the speakers; vbap
; computes the gains so the loudness stays constant while the phantom image
; moves. The same code scales to quad or 8 channels by changing the layout.
; Shows: vbaplsinit for a 2-D layout, vbap with k-rate azimuth, spread.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

; 2 dimensions, 2 speakers, their azimuths in degrees
vbaplsinit 2, 2, -45, 45

instr 1
  ; band-limited noise pulsing 8 times a second, so movement is easy to hear
  kPulse = lfo(1, 8, 4)                    ; rising saw 0..1, so 1 - kPulse decays
  aSrc  = butbp(rand(0.8), 2000, 1500) * (1 - kPulse) * linseg(0, 0.02, 1, p3 - 0.04, 1, 0.02, 0)
  kAzim = oscili(45, 0.5)                  ; -45 .. 45 degrees
  kSpread = p4
  aL, aR vbap aSrc, kAzim, 0, kSpread
  outs aL, aR
endin

</CsInstruments>
<CsScore>
;         spread
i 1 0   2   0
i 1 2.1 2   40
e
</CsScore>
</CsoundSynthesizer>
