<CsoundSynthesizer>
; markov-chain-melody.csd
; A first-order Markov chain chooses the next note from the current one.
; The transition table is a 2-D array of weights (each row sums to 1): row =
; current state, column = next state. A weighted choice walks the row's
; cumulative sum until it passes a uniform random number.
; Shows: 2-D k-rate arrays, weighted random choice, seeded randomness,
; a UDO that encapsulates the choice.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

seed 99

; pick the next state from row kState of the transition matrix
opcode NextState, k, k[][]k
  kMatrix[][], kState xin
  kRand   random 0, 1
  kSum    = 0
  kNext   = 0
  kCol    = 0
  kFound  = 0
  while kCol < lenarray(kMatrix, 2) do
    kSum += kMatrix[kState][kCol]
    if kFound == 0 && kRand <= kSum then
      kNext  = kCol
      kFound = 1
    endif
    kCol += 1
  od
  xout kNext
endop

instr Chain
  ; states: 0=C 1=D 2=E 3=G 4=A
  kNotes[] fillarray 60, 62, 64, 67, 69
  kMatrix[][] init 5, 5
  kMatrix fillarray 0.1, 0.4, 0.3, 0.2, 0.0,
                    0.3, 0.0, 0.5, 0.1, 0.1,
                    0.2, 0.2, 0.0, 0.5, 0.1,
                    0.4, 0.0, 0.2, 0.1, 0.3,
                    0.1, 0.0, 0.2, 0.6, 0.1
  kState init 0
  kTick  metro 5
  if kTick == 1 then
    event "i", "Voice", 0, 0.3, kNotes[kState]
    kState NextState kMatrix, kState
  endif
endin

instr Voice
  iCps = mtof:i(p4)
  aEnv linseg 0, 0.01, 1, p3 - 0.01, 0
  aSig = (vco2(0.2, iCps, 12) + oscili(0.1, iCps * 2)) * aEnv
  outs aSig, aSig
endin

</CsInstruments>
<CsScore>
i "Chain" 0 4
e 4.4
</CsScore>
</CsoundSynthesizer>
