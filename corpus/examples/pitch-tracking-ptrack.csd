<CsoundSynthesizer>
; pitch-tracking-ptrack.csd
; Pitch tracking on a synthesised melody: ptrack estimates the frequency and
; amplitude of a vibrato-laden lead, and those values drive a second,
; different synth an octave below, like a pitch-to-synth converter.
; Amplitude gating stops the follower from chasing noise between notes.
; Shows: ptrack with hop size, dB amplitude output, gating on level,
; portk smoothing of the tracked pitch.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

gaLead init 0

instr Lead
  kVib = 1 + lfo(0.01, 5.5)
  aSig = oscili(0.3, cpspch(p4) * kVib) + oscili(0.1, cpspch(p4) * 2 * kVib)
  aSig *= linseg(0, 0.03, 1, p3 - 0.08, 1, 0.05, 0)
  gaLead += aSig
endin

instr Follower
  kCps, kDb ptrack gaLead, 512               ; kDb is in dB (0 dB = full scale)
  kOn   = kDb > -30 ? 1 : 0                  ; only follow real notes
  kCps  portk kCps, 0.01
  kAmp  portk kOn * 0.25, 0.02
  aSub  vco2 kAmp, kCps * 0.5, 10            ; square an octave down
  aSub  moogladder aSub, 1200, 0.2
  outs gaLead * 0.5, aSub
  clear gaLead
endin

</CsInstruments>
<CsScore>
i "Follower" 0 4.5
i "Lead" 0   0.9 8.09
i "Lead" 1   0.9 9.00
i "Lead" 2   0.9 9.04
i "Lead" 3   1.2 8.11
e
</CsScore>
</CsoundSynthesizer>
