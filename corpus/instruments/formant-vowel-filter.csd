<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Vowel sounds from a formant filter bank
; A buzzy source (many equal harmonics from buzz) runs through three parallel resonz
; band-pass filters tuned to the first three formants of a vowel. Gliding the formant
; frequencies from "a" towards "i" makes the synthetic voice change vowel mid-note.

sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

instr 1
  iCps = cpsmidinn(p4)
  kVib = 1 + lfo(0.006, 5.2)
  aSrc buzz 1, iCps * kVib, int(sr / 2 / iCps), -1
  ; formant centre frequencies glide from "a" (800, 1150, 2900) to "i" (270, 2300, 3000)
  kF1 linseg 800, p3 * 0.3, 800, p3 * 0.4, 270, 1, 270
  kF2 linseg 1150, p3 * 0.3, 1150, p3 * 0.4, 2300, 1, 2300
  kF3 linseg 2900, p3 * 0.3, 2900, p3 * 0.4, 3000, 1, 3000
  aF1 resonz aSrc, kF1, 80, 2        ; scaling 2: peak gain normalised to 1
  aF2 resonz aSrc, kF2, 90, 2
  aF3 resonz aSrc, kF3, 120, 2
  aVoice = aF1 + aF2 * 0.5 + aF3 * 0.25
  aEnv linseg 0, 0.08, 1, p3 - 0.2, 1, 0.12, 0
  aOut = aVoice * aEnv * 1.8
  outs aOut, aOut
endin

</CsInstruments>
<CsScore>
i 1 0 3.5 45
</CsScore>
</CsoundSynthesizer>
