<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Wind from filtered noise
; Noise through a resonant band-pass becomes pitched "whistling" air. Random splines move
; the centre frequency, bandwidth and loudness slowly and independently, which is all it takes
; for a gusting wind; two independent channels make it wide.

sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

opcode Gust, a, i
  iSeed xin
  aNoise = pinker()
  kCentre rspline 300, 1200, 0.2, 0.8       ; where the whistle sits
  kBw     rspline 30, 200, 0.3, 1           ; narrow band = more whistle
  kLevel  rspline 0.2, 1, 0.5, 1.5          ; gusts
  aBand   butterbp aNoise, kCentre, kBw
  xout aBand * kLevel * 4
endop

instr 1
  aL Gust 1
  aR Gust 2
  aEnv linseg 0, 0.5, 1, p3 - 1, 1, 0.5, 0
  outs aL * aEnv, aR * aEnv
endin

</CsInstruments>
<CsScore>
i 1 0 5
</CsScore>
</CsoundSynthesizer>
