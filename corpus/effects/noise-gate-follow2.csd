<CsoundSynthesizer>
; noise-gate-follow2.csd
; A noise gate with hysteresis. A tone sequence is buried in constant hiss;
; follow2 tracks the amplitude, the gate opens above -30 dBFS and only closes
; again below -40 dBFS (hysteresis avoids chattering), and the gate state is
; smoothed with portk so it opens fast and closes gently.
; Shows: follow2 envelope follower, dbamp, a k-rate state machine with if,
; different attack/release smoothing.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

gaIn init 0

instr Tone
  aEnv linseg 0, 0.01, 1, p3 - 0.11, 0.8, 0.1, 0
  gaIn += oscili(0.4, cpspch(p4)) * aEnv
endin

instr Hiss
  gaIn += pinker() * 0.02          ; constant background noise
endin

instr Gate
  aEnv  follow2 gaIn, 0.005, 0.08   ; follow2 runs at audio rate
  kEnv  = k(aEnv)
  kDb   = dbamp(kEnv + 0.00001)    ; avoid log of 0
  kOpen init 0
  if kOpen == 0 && kDb > -30 then
    kOpen = 1
  elseif kOpen == 1 && kDb < -40 then
    kOpen = 0
  endif
  ; fast open (2 ms), slow close (60 ms)
  kGain = kOpen == 1 ? portk(kOpen, 0.002) : portk(kOpen, 0.06)
  aGain interp kGain
  aOut  = gaIn * aGain
  outs aOut, aOut
  clear gaIn
endin

</CsInstruments>
<CsScore>
i "Hiss" 0 5
i "Gate" 0 5
i "Tone" 0.3 0.4 8.00
i "Tone" 1.2 0.4 8.05
i "Tone" 2.1 0.4 8.09
i "Tone" 3.0 1.0 9.00
e
</CsScore>
</CsoundSynthesizer>
