<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Band-limited playback of our own wavetable (vco2init + vco2ft)
; A bright wave drawn with GEN07 aliases badly at high pitches when read by a plain
; oscillator. vco2init turns it into a set of band-limited copies, one per octave range,
; and vco2ft picks the right copy for the current pitch; oscilikt then reads it.

sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

giShape ftgen 0, 0, 4096, -7, 1, 1024, -0.5, 1024, 0.5, 2048, -1    ; spiky source wave
giBase  vco2init -giShape, 1000, 1.05, 128, 4096, giShape           ; tables start at 1000

instr 1  ; p4 = start MIDI note, p5 = end MIDI note
  kNote  line p4, p3, p5
  kCps   = cpsmidinn(kNote)
  kTable vco2ft kCps, -giShape                  ; table set chosen per pitch
  aSig   oscilikt 0.3, kCps, kTable
  aEnv   linseg 0, 0.05, 1, p3 - 0.15, 1, 0.1, 0
  outs aSig * aEnv, aSig * aEnv
endin

</CsInstruments>
<CsScore>
i 1 0 4 36 96   ; a wide upward sweep stays free of aliasing
</CsScore>
</CsoundSynthesizer>
