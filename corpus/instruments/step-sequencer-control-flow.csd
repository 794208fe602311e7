<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Step sequencer with if/else and a pattern array
; A sixteen-step pattern lives in an array: 0 = rest, otherwise a MIDI note. A metro
; drives the step counter; if/elseif decides whether to trigger, to accent (every fourth
; step), or to rest. An instrument plays each triggered step.

sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

instr 1  ; sequencer: p4 = tempo in BPM
  kPattern[] fillarray 36, 0, 48, 36,  0, 43, 0, 36,  39, 0, 36, 48,  0, 41, 43, 0
  kStep init 0
  kTick metro p4 / 60 * 4               ; sixteenth notes
  if kTick == 1 then
    kNote = kPattern[kStep]
    if kNote == 0 then
      ; a rest: do nothing
    elseif kStep % 4 == 0 then
      schedulek 2, 0, 0.15, kNote, 1    ; accented step
    else
      schedulek 2, 0, 0.12, kNote, 0.5
    endif
    kStep = (kStep + 1) % lenarray(kPattern)
  endif
endin

instr 2  ; p4 = MIDI note, p5 = accent 0..1
  aOsc vco2 0.4, cpsmidinn(p4)
  kCut expseg 300 + 3000 * p5, p3, 200
  aFlt moogladder aOsc, kCut, 0.5
  aEnv linseg 0, 0.003, 1, p3 - 0.013, 0.6, 0.01, 0
  aOut = aFlt * aEnv * (0.6 + 0.6 * p5)
  outs aOut, aOut
endin

</CsInstruments>
<CsScore>
i 1 0 4 120
</CsScore>
</CsoundSynthesizer>
