<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Excited string with repluck
; repluck is a waveguide string that also takes an audio excitation input, so anything
; can set the string ringing. Here short bursts of filtered noise strike it repeatedly,
; like a hammered dulcimer, and the pickup position changes the tone colour.

sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

instr 1  ; p4 = MIDI note
  kTrig  metro 4                                      ; four strikes per second
  kHit   init 0
  kHit   = kTrig == 1 ? 1 : kHit * 0.7                ; decaying control burst per strike
  aNoise = butterlp(rand(1), 3000) * kHit
  ;              pluck  amp  pitch          pickup  reflection  excitation
  aStr repluck   0.5,   0.3, cpsmidinn(p4), 0.3,    0.9,        aNoise
  aStr = dcblock2(aStr)
  aEnv linseg 1, p3 - 0.1, 1, 0.1, 0
  outs aStr * aEnv, aStr * aEnv
endin

</CsInstruments>
<CsScore>
i 1 0 2 57
i 1 2 2 62
</CsScore>
</CsoundSynthesizer>
