<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Metallic hi-hat from square waves
; The classic analog-machine hi-hat: six square-wave oscillators at unrelated frequencies
; mixed together make a dense, inharmonic metallic noise; a band-pass and a high-pass keep
; only the sizzle. Closed and open hats differ only in their decay time (p4).

sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

giRatios[] fillarray 2, 3, 4.16, 5.43, 6.79, 8.21   ; inharmonic ratios over a 40 Hz base

; recursive sum of square waves, one per ratio
opcode SquareCluster, a, ii
  iBase, iIndex xin
  aSq vco2 0.15, iBase * giRatios[iIndex], 10
  if iIndex < lenarray(giRatios) - 1 then
    aSq += SquareCluster(iBase, iIndex + 1)
  endif
  xout aSq
endop

instr 1  ; p4 = decay time, p5 = amplitude
  aMetal SquareCluster 40, 0
  aMetal = butterbp(aMetal, 10000, 4000)
  aMetal = butterhp(aMetal, 7000)
  aEnv   expseg 1, p4, 0.001, 1, 0.001
  aHat   = aMetal * aEnv * p5 * 3
  outs aHat * 0.8, aHat
endin

</CsInstruments>
<CsScore>
; closed hats on eighths, an open hat on the off-beat
i 1 0    0.1 0.05 0.6
i 1 0.25 0.1 0.05 0.4
i 1 0.5  0.1 0.05 0.6
i 1 0.75 0.4 0.35 0.5
i 1 1.25 0.1 0.05 0.4
i 1 1.5  0.1 0.05 0.6
i 1 1.75 0.1 0.05 0.4
i 1 2    0.1 0.05 0.6
i 1 2.25 0.1 0.05 0.4
i 1 2.5  0.1 0.05 0.6
i 1 2.75 0.6 0.5  0.5
</CsScore>
</CsoundSynthesizer>
