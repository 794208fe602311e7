<CsoundSynthesizer>
; resonz-vowel-formants.csd
; Subtractive "talking" synth: a buzz source runs through three parallel
; resonz bandpass filters tuned to vowel formants. The formant frequencies
; are interpolated between the vowels A, E, I, O and U stored in arrays.
; Shows: parallel filter bank, k-rate arrays as lookup tables, resonz scaling.
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
  ; approximate formant centres (Hz) for a low voice: A E I O U
  kF1[] fillarray 800, 400, 300, 450, 325
  kF2[] fillarray 1150, 1600, 2250, 800, 700
  kF3[] fillarray 2800, 2700, 2900, 2830, 2530

  kPos   line 0, p3, 4               ; glide through the five vowels
  kIdx   = int(kPos)
  kNext  = min(kIdx + 1, 4)
  kFrac  = kPos - kIdx
  kForm1 = kF1[kIdx] + (kF1[kNext] - kF1[kIdx]) * kFrac
  kForm2 = kF2[kIdx] + (kF2[kNext] - kF2[kIdx]) * kFrac
  kForm3 = kF3[kIdx] + (kF3[kNext] - kF3[kIdx]) * kFrac

  kVib   = 1 + lfo(0.01, 5.5)
  aBuzz  buzz 0.6, 110 * kVib, 60, giSine
  ; iscl = 2: gain raised so the overall RMS response is 1
  aOne   resonz aBuzz, kForm1, 80, 2
  aTwo   resonz aBuzz, kForm2, 90, 2
  aThree resonz aBuzz, kForm3, 120, 2
  aVoice = aOne + aTwo * 0.5 + aThree * 0.25
  aVoice *= linseg(0, 0.1, 0.5, p3 - 0.3, 0.5, 0.2, 0)
  outs aVoice, aVoice
endin

</CsInstruments>
<CsScore>
i 1 0 5
e
</CsScore>
</CsoundSynthesizer>
