<CsoundSynthesizer>
; recursive-udo-oscillator-bank.csd
; Recursion in a UDO: each call makes one sine partial and, while the depth
; counter is below the limit, calls itself for the next partial. The number
; of partials is therefore chosen at init time from a p-field, with no fixed
; list of oscillators in the code. Each partial gets a slightly random detune
; and its own decay so the sum sounds like a struck metal bar.
; Shows: recursive UDO with a depth counter, i-time randomness, summing
; outputs returned by deeper calls.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

seed 7                               ; repeatable randomness

opcode Bar, a, iiio
  iFund, iCount, iDur, iDepth xin    ; 'o' input: depth starts at 0
  ; inharmonic partial ratios close to a free bar: (2n+1)^2 scaled
  iRatio = ((2 * iDepth + 3) ^ 2) / 9
  iDetune = 1 + random(-0.003, 0.003)
  aEnv   expon 1, iDur / (iDepth + 1), 0.001   ; higher partials die sooner
  aOut   poscil 1 / (iDepth + 1), iFund * iRatio * iDetune
  aOut   *= aEnv
  if iDepth < iCount - 1 then
    aNext Bar iFund, iCount, iDur, iDepth + 1
    aOut  += aNext
  endif
  xout aOut
endop

instr 1
  aBar Bar cpspch(p4), p5, p3
  aBar *= 0.3
  aL, aR pan2 aBar, p6
  outs aL, aR
endin

</CsInstruments>
<CsScore>
;          pitch partials pan
i 1 0   2  8.00  2        0.3
i 1 1   2  8.07  4        0.7
i 1 2   2.5 9.00 6        0.5
e
</CsScore>
</CsoundSynthesizer>
