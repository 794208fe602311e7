<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Synchronous granulation with syncgrain
; syncgrain fires grains at a regular rate and lets the read pointer move at its own speed
; (kprate), so time and pitch separate: here the pointer crawls while the pitch of the
; grains steps through a little melody. The table it reads is built at i-time.

sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

giSource ftgen 0, 0, 65536, 2, 0                 ; filled below
giWindow ftgen 0, 0, 8192, 20, 2                 ; Hanning grain window

instr 1  ; source: a bright vowel-like tone with slow vibrato
  iIndex = 0
  while iIndex < ftlen(giSource) do
    iTime = iIndex / sr
    iPhase = 180 * iTime + 0.5 * sin(2 * $M_PI * 5 * iTime)
    iVal = sin(2 * $M_PI * iPhase) + 0.5 * sin(6 * $M_PI * iPhase) + 0.25 * sin(10 * $M_PI * iPhase)
    tableiw iVal * 0.5, iIndex, giSource
    iIndex += 1
  od
endin

instr 2
  kPitch[] fillarray 1, 1.25, 1.5, 2, 1.5, 1.25
  kStep   = int(timeinsts() * 3) % lenarray(kPitch)   ; three steps per second
  kGrainRate = 40
  kGrainSize = 0.05
  kPointer   = 0.2                                   ; 0.2 = the pointer moves at a fifth of normal speed
  aSig syncgrain 0.7, kGrainRate, kPitch[kStep], kGrainSize, kPointer, giSource, giWindow, 4
  aEnv linseg 0, 0.05, 1, p3 - 0.25, 1, 0.2, 0
  outs aSig * aEnv, aSig * aEnv
endin

</CsInstruments>
<CsScore>
i 1 0 0
i 2 0 4
</CsScore>
</CsoundSynthesizer>
