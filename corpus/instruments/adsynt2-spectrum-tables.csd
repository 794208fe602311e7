<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Oscillator bank driven by tables: adsynt2
; adsynt2 runs many sine oscillators at once. Their frequency ratios and amplitudes live in
; two tables, and an instrument rewrites the amplitude table while the note plays, so the
; spectrum itself becomes an envelope (a slow spectral sweep from dark to bright).

sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

giCount = 24
giFreqs ftgen 0, 0, 32, -2, 0          ; frequency ratios, filled below
giAmps  ftgen 0, 0, 32, -2, 0          ; partial amplitudes, rewritten at k-rate

instr 1
  ; fill the ratio table with odd harmonics plus a slight stretch
  iPartial = 0
  while iPartial < giCount do
    tableiw (2 * iPartial + 1) * (1 + iPartial * 0.001), iPartial, giFreqs
    iPartial += 1
  od
  ; kBright moves the spectral centre upward over the note
  kBright linseg 1, p3, giCount
  kPartial = 0
  while kPartial < giCount do
    kAmp = exp(-((kPartial - kBright) ^ 2) / 20) / (kPartial + 1)
    tablew kAmp, kPartial, giAmps
    kPartial += 1
  od
  aSig adsynt2 0.3, cpsmidinn(p4), -1, giFreqs, giAmps, giCount
  aEnv linseg 0, 0.1, 1, p3 - 0.3, 1, 0.2, 0
  aOut = aSig * aEnv
  outs aOut, aOut
endin

</CsInstruments>
<CsScore>
i 1 0 4 45
</CsScore>
</CsoundSynthesizer>
