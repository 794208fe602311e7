<CsoundSynthesizer>
; schroeder-reverb.csd
; Manfred Schroeder's reverberator from its two building blocks: four comb
; filters in parallel (the decaying echo density) followed by two allpass
; filters in series (diffusion). The comb loop times are spread so their
; resonances do not line up.
; Shows: comb and alpass opcodes, parallel vs series structure, reverb as a UDO.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

gaRev init 0

opcode Schroeder, a, ak
  aIn, kRvt xin
  ; parallel combs
  aC1 comb aIn, kRvt, 0.0297
  aC2 comb aIn, kRvt, 0.0371
  aC3 comb aIn, kRvt, 0.0411
  aC4 comb aIn, kRvt, 0.0437
  aSum = (aC1 + aC2 + aC3 + aC4) * 0.25
  ; serial allpasses with short decay times
  aAp1 alpass aSum, 0.096, 0.005
  aAp2 alpass aAp1, 0.032, 0.0017
  xout aAp2
endop

instr Voice
  iCps = cpspch(p4)
  aEnv linseg 0, 0.01, 1, p3 - 0.11, 0.6, 0.1, 0
  aSig = vco2(0.2, iCps, 12) * aEnv
  outs aSig, aSig
  gaRev += aSig
endin

instr Verb
  kTime = p4
  aWet  Schroeder gaRev, kTime
  ; a tiny offset between channels makes the tail less mono
  aWetR delay aWet, 0.011
  outs aWet * 0.35, aWetR * 0.35
  clear gaRev
endin

</CsInstruments>
<CsScore>
i "Verb"  0 5 1.8
i "Voice" 0   0.25 8.00
i "Voice" 0.3 0.25 8.04
i "Voice" 0.6 0.25 8.07
i "Voice" 0.9 0.6  9.00
e
</CsScore>
</CsoundSynthesizer>
