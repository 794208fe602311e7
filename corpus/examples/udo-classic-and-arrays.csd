<CsoundSynthesizer>
; udo-classic-and-arrays.csd
; User-defined opcodes declared with output and input type letters
; (opcode Name, outtypes, intypes). One UDO takes an array of partial
; amplitudes, another returns an array and has an optional input, and a
; third is called with function syntax like a built-in opcode.
; Shows: xin/xout, i[] array arguments and results, optional 'p' input,
; calling UDOs in classic and function syntax.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

; classic style: one audio output; inputs are frequency and an i-array
opcode Partials, a, ki[]
  kFreq, iAmps[] xin
  aSum = 0
  kIndex = 0
  ; audio-rate additive sum inside a k-rate loop
  while kIndex < lenarray(iAmps) do
    aSum += poscil(iAmps[kIndex], kFreq * (kIndex + 1))
    kIndex += 1
  od
  xout aSum
endop

; classic style returning an array: harmonic series scaled by 1/n^iTilt
opcode Rolloff, i[], ip
  iCount, iTilt xin                 ; 'p' = optional, default 1
  iOut[] init iCount
  iN = 0
  while iN < iCount do
    iOut[iN] = 1 / (iN + 1) ^ iTilt
    iN += 1
  od
  xout iOut
endop

; a small helper, used below with function-call syntax
opcode FadeInOut, a, ai
  aIn, iFade xin
  aEnv = linseg(0, iFade, 1, p3 - 2 * iFade, 1, iFade, 0)
  xout aIn * aEnv
endop

instr 1
  iAmps[] Rolloff 8, p4               ; bright (p4 small) or dark (p4 large)
  iNorm   = sumarray(iAmps)
  aTone   Partials cpspch(p5), iAmps
  aOut    = FadeInOut(aTone * 0.35 / iNorm, 0.05)
  outs aOut, aOut
endin

</CsInstruments>
<CsScore>
;           tilt pitch
i 1 0   1.4 0.5  8.00
i 1 1.5 1.4 1    8.00
i 1 3.0 1.4 2    8.00
e
</CsScore>
</CsoundSynthesizer>
