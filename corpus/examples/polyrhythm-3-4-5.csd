<CsoundSynthesizer>
; polyrhythm-3-4-5.csd
; Three pulse streams share one cycle of 2 seconds: 3, 4 and 5 beats per
; cycle. Each stream has its own pitch and stereo position; the downbeat,
; where all three coincide, is accented. Beats are derived from a single
; phasor, so the streams can never drift apart.
; Shows: one master phasor divided into several rhythms, detecting wrap-
; around to make triggers, accenting coincidences, schedkwhen with p-fields.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

instr Clock
  iCycle = 2                                  ; seconds per cycle
  kPhase phasor 1 / iCycle                    ; 0..1 once per cycle
  ; a stream of N beats fires when floor(phase * N) changes
  kB3 = int(kPhase * 3)
  kB4 = int(kPhase * 4)
  kB5 = int(kPhase * 5)
  kDown = changed(int(kPhase * 1))
  kT3 = changed(kB3)
  kT4 = changed(kB4)
  kT5 = changed(kB5)
  ; the first k-cycle has no "change", so start all streams explicitly
  kFirst init 1
  kT3 = kFirst == 1 ? 1 : kT3
  kT4 = kFirst == 1 ? 1 : kT4
  kT5 = kFirst == 1 ? 1 : kT5
  kAcc = (kFirst == 1 || (kT3 == 1 && kB3 == 0)) ? 1.8 : 1
  kFirst = 0
  ;                                   p4 midi  p5 amp      p6 pan
  schedkwhen kT3, 0, 0, "Click", 0, 0.15, 60, 0.2 * kAcc, 0.15
  schedkwhen kT4, 0, 0, "Click", 0, 0.12, 67, 0.16 * kAcc, 0.5
  schedkwhen kT5, 0, 0, "Click", 0, 0.1,  74, 0.12 * kAcc, 0.85
endin

instr Click
  aEnv expsega 1, p3, 0.001
  aSig = (oscili(p5, mtof:i(p4)) + oscili(p5 * 0.4, mtof:i(p4) * 2.01)) * aEnv
  aL, aR pan2 aSig, p6
  outs aL, aR
endin

</CsInstruments>
<CsScore>
i "Clock" 0 4
e 4.2
</CsScore>
</CsoundSynthesizer>
