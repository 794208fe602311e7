<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; FM bell
; An inharmonic carrier-to-modulator ratio (1 : 1.4) produces the clangorous partials of a
; bell. The modulation index decays together with the amplitude, so the tone starts rich
; and ends as an almost pure sine, the way a struck bell loses its high partials first.

sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

giSine ftgen 0, 0, 16384, 10, 1

instr 1  ; p4 = pitch in Hz, p5 = amplitude
  iCps = p4
  kEnv expon 1, p3, 0.001           ; long exponential decay
  kIdx = 10 * kEnv                  ; brightness follows loudness
  aModulator poscil iCps * 1.4 * kIdx, iCps * 1.4, giSine
  aCarrier   poscil p5 * kEnv, iCps + aModulator, giSine
  outs aCarrier, aCarrier
endin

</CsInstruments>
<CsScore>
i 1 0   4 330 0.3
i 1 0.8 4 440 0.25
i 1 1.6 3 262 0.25
</CsScore>
</CsoundSynthesizer>
