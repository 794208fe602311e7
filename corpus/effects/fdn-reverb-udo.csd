<CsoundSynthesizer>
; fdn-reverb-udo.csd
; A feedback delay network reverb built from plain delay lines, no reverb
; opcode. Four delays with mutually prime lengths are mixed through a 4x4
; Hadamard matrix (energy preserving) and fed back with a gain derived from
; the wanted RT60, with a one-pole lowpass in each loop for HF damping.
; The UDO runs with setksmps 1 so the feedback is sample-exact.
; Shows: UDO with setksmps, delayr/delayw feedback, RT60 -> gain maths.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

gaFdn init 0

; FDN4: aIn, RT60 (s), damping cutoff (Hz) -> left, right
opcode FDN4, aa, aii
  aIn, iRt60, iDamp xin
  setksmps 1
  ; delay lengths in seconds (prime sample counts at 48 kHz)
  iT1 = 1559 / sr
  iT2 = 1877 / sr
  iT3 = 2243 / sr
  iT4 = 2693 / sr
  ; per-line gain so that each line loses 60 dB in iRt60 seconds
  iG1 = 10 ^ (-3 * iT1 / iRt60)
  iG2 = 10 ^ (-3 * iT2 / iRt60)
  iG3 = 10 ^ (-3 * iT3 / iRt60)
  iG4 = 10 ^ (-3 * iT4 / iRt60)
  aF1 init 0
  aF2 init 0
  aF3 init 0
  aF4 init 0
  ; read the four lines (the last sample's feedback is already in aF*)
  aD1 delayr iT1
      delayw aIn + aF1
  aD2 delayr iT2
      delayw aIn + aF2
  aD3 delayr iT3
      delayw aIn + aF3
  aD4 delayr iT4
      delayw aIn + aF4
  ; damping filter then gain
  aD1 = tone(aD1, iDamp) * iG1
  aD2 = tone(aD2, iDamp) * iG2
  aD3 = tone(aD3, iDamp) * iG3
  aD4 = tone(aD4, iDamp) * iG4
  ; Hadamard mixing (scaled by 1/2 to stay orthonormal)
  aF1 = 0.5 * (aD1 + aD2 + aD3 + aD4)
  aF2 = 0.5 * (aD1 - aD2 + aD3 - aD4)
  aF3 = 0.5 * (aD1 + aD2 - aD3 - aD4)
  aF4 = 0.5 * (aD1 - aD2 - aD3 + aD4)
  xout aD1 + aD3, aD2 + aD4
endop

instr Click
  ; short filtered noise burst + tone, a good reverb test signal
  aEnv expsega 1, 0.08, 0.001
  aSig = (rand(0.4) + oscili(0.3, cpspch(p4))) * aEnv
  outs aSig, aSig
  gaFdn += aSig
endin

instr Reverb
  aL, aR FDN4 gaFdn, 2.0, 5000
  outs aL * 0.3, aR * 0.3
  clear gaFdn
endin

</CsInstruments>
<CsScore>
i "Reverb" 0 5
i "Click" 0   0.1 8.00
i "Click" 0.6 0.1 8.07
i "Click" 2.0 0.1 9.00
e
</CsScore>
</CsoundSynthesizer>
