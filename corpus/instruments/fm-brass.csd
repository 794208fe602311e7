<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; FM brass: index tied to loudness
; Brass instruments get brighter as they get louder. Using the same envelope for amplitude
; and modulation index (1:1 ratio, written out with two oscillators) reproduces that, and a
; small pitch scoop at the attack imitates the lip settling onto the note.

sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

instr 1  ; p4 = MIDI note, p5 = amplitude
  iCps   = cpsmidinn(p4)
  kEnv   linseg 0, 0.06, 1, 0.1, 0.8, p3 - 0.26, 0.7, 0.1, 0
  kScoop expseg 0.97, 0.08, 1, 1, 1                   ; starts slightly flat
  kCps   = iCps * kScoop
  kIndex = 5 * kEnv                                  ; brightness follows the envelope
  aMod   = oscili(kIndex * kCps, kCps)               ; modulator at the same frequency
  aCar   = oscili(p5 * kEnv, kCps + aMod)
  outs aCar, aCar
endin

</CsInstruments>
<CsScore>
i 1 0   0.5 55 0.25
i 1 0.5 0.5 60 0.25
i 1 1   1.2 64 0.3
i 1 2.3 1.5 67 0.3
i 1 2.3 1.5 60 0.2
</CsScore>
</CsoundSynthesizer>
