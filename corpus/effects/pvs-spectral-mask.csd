<CsoundSynthesizer>
; pvs-spectral-mask.csd
; Spectral masking with pvsmaska: a table with one value per analysis bin
; acts as a graphic EQ with hundreds of bands. Here the mask is a comb of
; peaks (GEN9 partials rescaled), carving regular notches into broadband
; noise so it takes on a pitched, organ-like colour. The depth fades in.
; Shows: matching the table size to the bin count (fftsize/2 + 1), pvsmaska
; depth control, pvsinfo to read analysis parameters.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 48000
ksmps = 64
nchnls = 2
0dbfs = 1

giFft = 1024
giBins = giFft / 2 + 1                      ; 513 bins
; a raised-cosine comb: 24 peaks across the spectrum, values 0..1
giMask ftgen 0, 0, giBins, 19, 24, 0.5, 0, 0.5

instr 1
  aNoise rand 0.4
  fSrc   pvsanal aNoise, giFft, giFft / 4, giFft, 1
  iOverlap, iNumBins, iWinSize, iFormat pvsinfo fSrc
  prints "fft %d, window %d, hop %d\n", iNumBins, iWinSize, iOverlap
  kDepth linseg 0, 1, 1, p3 - 1, 1
  fMask  pvsmaska fSrc, giMask, kDepth
  aOut   pvsynth fMask
  aOut  *= linseg(0, 0.05, 0.7, p3 - 0.25, 0.7, 0.2, 0)
  outs aOut, aOut
endin

</CsInstruments>
<CsScore>
i 1 0 4
e
</CsScore>
</CsoundSynthesizer>
