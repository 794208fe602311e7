<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Markov chain melody with a transition matrix
; A 2D array holds, for each current note, the probability of moving to each next note.
; At every step we draw a random number and walk along the current row until the summed
; probabilities pass it. Strong probabilities towards the tonic make the melody feel tonal.

sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

seed 5

giNotes[] fillarray 60, 62, 64, 67, 69            ; C major pentatonic
; rows = from, columns = to; each row sums to 1
giMatrix[][] init 5, 5
giMatrix fillarray 0.1, 0.4, 0.2, 0.2, 0.1, \
                   0.4, 0.1, 0.4, 0.1, 0.0, \
                   0.2, 0.3, 0.1, 0.3, 0.1, \
                   0.3, 0.0, 0.3, 0.1, 0.3, \
                   0.5, 0.0, 0.1, 0.3, 0.1

instr 1  ; walker: p4 = notes per second
  kCurrent init 0
  if metro(p4) == 1 then
    kDraw = random:k(0, 1)
    kSum  = 0
    kNext = 0
    while kNext < 4 && kSum + giMatrix[kCurrent][kNext] < kDraw do
      kSum  += giMatrix[kCurrent][kNext]
      kNext += 1
    od
    kCurrent = kNext
    schedulek 2, 0, 0.25, giNotes[kCurrent]
  endif
endin

instr 2  ; p4 = MIDI note
  aEnv expseg 0.001, 0.005, 1, p3 - 0.005, 0.001
  aSig = poscil(0.35, cpsmidinn(p4)) * aEnv
  outs aSig, aSig
endin

</CsInstruments>
<CsScore>
i 1 0 4 5
</CsScore>
</CsoundSynthesizer>
