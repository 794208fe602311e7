<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Monophonic lead with portamento and delayed vibrato
; Legato leads glide between notes. Here one long instrument holds the voice while the score
; sends new pitches through a global variable: instr 2 only sets gkNote. portk smooths the
; jumps into glides, and vibrato fades in only while a note is held steady.

sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

gkNote init 60

instr 1  ; the voice, running for the whole phrase
  kPitch portk gkNote, 0.06                     ; glide time
  kChanged changed gkNote
  kHeld  init 0
  kHeld  = kChanged == 1 ? 0 : kHeld + 1 / kr    ; seconds since the last note change
  kVibDepth = limit((kHeld - 0.3) * 0.5, 0, 0.3) ; vibrato arrives after 0.3 s, in semitones
  kVib   = lfo(kVibDepth, 5.5)
  aOsc   vco2 0.3, cpsmidinn(kPitch + kVib)
  aOsc  += vco2(0.15, cpsmidinn(kPitch + kVib) * 1.005, 10)
  aFlt   moogladder aOsc, 3500, 0.2
  aEnv   linseg 0, 0.05, 1, p3 - 0.25, 1, 0.2, 0
  outs aFlt * aEnv, aFlt * aEnv
endin

instr 2  ; note change: p4 = MIDI note
  gkNote init p4
endin

</CsInstruments>
<CsScore>
i 1 0 4.5
i 2 0   0 67
i 2 0.6 0 72
i 2 1   0 74
i 2 1.8 0 71
i 2 2.3 0 67
i 2 3.2 0 69
</CsScore>
</CsoundSynthesizer>
