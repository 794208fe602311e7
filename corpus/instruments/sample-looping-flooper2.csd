<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Crossfaded sample looping with flooper2
; flooper2 loops a section of a table with a crossfade at the loop seam, so sustained notes
; can be made from a short sample. The loop points are in seconds and can move while the
; note plays: here the loop window slides slowly through the sample for a shifting texture.
; The sample is a wobbling three-partial tone that instr 1 computes into a table at i-time.

sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

giSample ftgen 0, 0, 131072, 2, 0         ; about 3 s

instr 1
  iIndex = 0
  iLen = ftlen(giSample)
  while iIndex < iLen do
    iTime = iIndex / sr
    iWobble = 1 + 0.5 * sin(2 * $M_PI * 1.3 * iTime)        ; slow loudness wobble
    iVal = sin(2 * $M_PI * 110 * iTime) + 0.4 * sin(2 * $M_PI * 330.7 * iTime) \
           + 0.2 * sin(2 * $M_PI * 551 * iTime)
    tableiw 0.4 * iVal * iWobble, iIndex, giSample
    iIndex += 1
  od
endin

instr 2  ; p4 = pitch ratio
  kStart line 0.2, p3, 2.0                 ; loop window start, seconds
  kEnd   = kStart + 0.4                    ; 400 ms loop
  kFade  = 0.1                             ; crossfade length
  aSig flooper2 0.5, p4, kStart, kEnd, kFade, giSample
  aEnv linseg 0, 0.1, 1, p3 - 0.3, 1, 0.2, 0
  outs aSig * aEnv, aSig * aEnv
endin

</CsInstruments>
<CsScore>
i 1 0 0
i 2 0 4 1
i 2 0 4 1.5
</CsScore>
</CsoundSynthesizer>
