<CsoundSynthesizer>
<CsOptions>
-d -m0 --midi-key-cps=4 --midi-velocity-amp=5
</CsOptions>
<CsInstruments>
; MIDI notes mapped straight into p-fields
; The --midi-key-cps=4 and --midi-velocity-amp=5 options make Csound write a MIDI note's
; frequency into p4 and its velocity (as amplitude) into p5. The instrument therefore reads
; only p-fields and is identical for score and MIDI notes; pchbend and a controller add
; live expression that simply stays at rest when the notes come from the score.

sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

massign 0, 1

instr 1  ; p4 = frequency in Hz, p5 = amplitude 0..1
  kBend   pchbend 0, 2               ; +-2 semitones; 0 for score notes
  kBright midictrl 1, 0, 1           ; mod wheel, rests at 0 offline
  kCps    = p4 * semitone(kBend)
  kEnv    madsr 0.005, 0.3, 0.4, 0.25
  aSig    vco2 p5 * 0.5, kCps, 10    ; square wave
  aSig    butterlp aSig, 1500 + 4000 * (kBright + kEnv * 0.5)
  aOut    = aSig * kEnv
  outs aOut, aOut
endin

</CsInstruments>
<CsScore>
; as if played on a keyboard: p4 in Hz, p5 as amplitude
i 1 0   0.3 262 0.7
i 1 0.4 0.3 330 0.5
i 1 0.8 0.3 392 0.6
i 1 1.2 1   523 0.8
i 1 2.5 1   196 0.8
</CsScore>
</CsoundSynthesizer>
