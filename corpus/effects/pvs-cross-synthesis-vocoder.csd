<CsoundSynthesizer>
; pvs-cross-synthesis-vocoder.csd
; Spectral vocoding: pvsvoc takes the spectral envelope of a "voice" (a
; formant-filtered buzz that changes vowel) and imposes it on a carrier (a
; detuned saw chord), so the chord appears to speak. pvscross is shown as an
; alternative that simply swaps amplitudes, selected with p4.
; Shows: pvsvoc depth and gain, pvscross amplitude mixing, two analyses
; sharing one FFT size.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

giSine ftgen 0, 0, 8192, 10, 1

instr 1
  iMode = p4
  ; modulator: buzz through a formant that glides from "ah" to "ee"
  aBuzz   buzz 0.5, 110, 50, giSine
  kForm1  linseg 750, p3, 300
  kForm2  linseg 1100, p3, 2300
  aVoice  = resonz(aBuzz, kForm1, 100, 2) + resonz(aBuzz, kForm2, 150, 2) * 0.6
  ; carrier: rich chord
  aChord  = vco2(0.15, 130.8) + vco2(0.15, 164.8) + vco2(0.15, 196) + vco2(0.15, 261.6)
  fVoice  pvsanal aVoice, 1024, 256, 1024, 1
  fChord  pvsanal aChord, 1024, 256, 1024, 1
  if iMode == 0 then
    ; pvsvoc: amps from fVoice's envelope, freqs from fChord
    fOut pvsvoc fVoice, fChord, 1, 1
  else
    ; pvscross: carrier freqs with modulator amplitudes (kamp1 0, kamp2 1)
    fOut pvscross fChord, fVoice, 0, 1
  endif
  aOut  pvsynth fOut
  aOut  = aOut * linseg(0, 0.05, 1, p3 - 0.2, 1, 0.15, 0)
  aOut  clip aOut * 0.5, 0, 0.9
  outs aOut, aOut
endin

</CsInstruments>
<CsScore>
;         p4: 0 pvsvoc, 1 pvscross
i 1 0   2.2 0
i 1 2.3 2.2 1
e
</CsScore>
</CsoundSynthesizer>
