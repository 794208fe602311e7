<CsoundSynthesizer>
; table-pattern-mutation.csd
; A 16-step melodic pattern lives in an f-table. A player instrument reads
; it every sixteenth note, and a mutator rewrites one random step at the end
; of every bar with tablew, so the loop slowly evolves while staying in
; key. Rests are stored as 0.
; Shows: tables as mutable memory, tablew and table at k-rate, random index
; and value choice, bar/step counting from one metro.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

seed 21

giPattern ftgen 0, 0, 16, -2, 60, 0, 63, 67,  0, 70, 67, 0,  60, 0, 63, 72,  70, 0, 67, 63
giScale   ftgen 0, 0, 8, -2, 0, 60, 63, 65, 67, 70, 72, 75     ; 0 = rest

instr Player
  kTick metro 16                           ; sixteenths at 240 bpm
  kStep init 0
  if kTick == 1 then
    kNote table kStep, giPattern
    if kNote > 0 then
      event "i", "Voice", 0, 0.1, kNote
    endif
    kStep = (kStep + 1) % 16
    ; at the start of each bar, mutate one step
    if kStep == 0 then
      kWhere = int(random:k(0, 16))
      kWhat  table int(random:k(0, 8)), giScale
      tablew kWhat, kWhere, giPattern
      printks "bar done: step %d is now %d\n", 0, kWhere, kWhat
    endif
  endif
endin

instr Voice
  aEnv expsega 1, p3, 0.01
  aSig = vco2(0.3, mtof:i(p4), 10) * aEnv
  aSig = butlp(aSig, 3000)
  outs aSig, aSig
endin

</CsInstruments>
<CsScore>
i "Player" 0 4
e 4.2
</CsScore>
</CsoundSynthesizer>
