<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Acid bass line with slide and accent
; A single, long-running monophonic instrument reads its notes from arrays, the way a
; TB-style sequencer works: slide steps glide the pitch (portk) instead of retriggering,
; accent steps open the resonant filter further. diode_ladder gives the squelchy resonance.

sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

instr 1  ; p4 = steps per second
  kNotes[]  fillarray 36, 36, 48, 36, 39, 36, 46, 48
  kSlide[]  fillarray 0,  0,  1,  0,  1,  0,  0,  1
  kAccent[] fillarray 1,  0,  0,  1,  0,  0,  1,  0
  kStep init -1
  kGate init 0
  kTick metro p4
  if kTick == 1 then
    kStep = (kStep + 1) % lenarray(kNotes)
  endif
  kNote  = kNotes[kStep]
  ; slide: long glide time on slide steps, almost none otherwise
  kGlide = kSlide[kStep] == 1 ? 0.08 : 0.005
  kPitch portk kNote, kGlide
  ; decaying filter envelope, retriggered only on non-slide steps
  kEnv init 0
  if kTick == 1 && kSlide[kStep] == 0 then
    kEnv = 1
  endif
  kEnv  *= 0.9985                                    ; per control period decay
  kCut  = 150 + kEnv * (1200 + 2500 * kAccent[kStep])
  aSaw  vco2 0.5, cpsmidinn(kPitch)
  aFlt  diode_ladder aSaw, kCut, 14, 1, 3
  aFlt  = dcblock2(aFlt) * (1.5 + 1.0 * kAccent[kStep])
  aOut  = aFlt * linseg(0, 0.01, 1, p3 - 0.06, 1, 0.05, 0)
  outs aOut, aOut
endin

</CsInstruments>
<CsScore>
i 1 0 4 8
</CsScore>
</CsoundSynthesizer>
