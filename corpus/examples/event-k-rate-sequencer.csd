<CsoundSynthesizer>
; event-k-rate-sequencer.csd
; A step sequencer that fires notes with event at control rate. Pitches and
; gates are stored in f-tables so they could be edited while running; the
; sequencer reads them with a step counter and only sends an event when the
; gate for that step is on. Note lengths follow the tempo.
; Shows: event vs schedkwhen, tables as sequencer memory (GEN -2), tab_i /
; table lookups, tempo-derived timing.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

giPitch ftgen 0, 0, 16, -2, 48, 48, 55, 48,  51, 48, 58, 55,  48, 60, 48, 55,  53, 51, 50, 43
giGate  ftgen 0, 0, 16, -2, 1, 0, 1, 1,  1, 0, 1, 0,  1, 1, 0, 1,  1, 1, 1, 0

instr Sequencer
  iBpm   = 132
  iStep  = 60 / iBpm / 4                      ; sixteenth note in seconds
  kTrig  metro 1 / iStep
  kIndex init 0
  if kTrig == 1 then
    kGate  table kIndex, giGate
    kPitch table kIndex, giPitch
    if kGate == 1 then
      event "i", "Bass", 0, iStep * 0.9, kPitch
    endif
    kIndex = (kIndex + 1) % 16
  endif
endin

instr Bass
  iCps = cpsmidinn(p4)
  kCut expseg 3000, p3, 300
  aSig vco2 0.4, iCps
  aSig moogladder aSig, kCut, 0.4
  aSig *= linseg(1, p3 - 0.01, 1, 0.01, 0)
  outs aSig, aSig
endin

</CsInstruments>
<CsScore>
i "Sequencer" 0 4
e
</CsScore>
</CsoundSynthesizer>
