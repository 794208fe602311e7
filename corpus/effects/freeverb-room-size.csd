<CsoundSynthesizer>
; freeverb-room-size.csd
; freeverb on a snare-like noise burst pattern. The room size grows over the
; piece while high-frequency damping falls, moving from a small dull room to a
; large bright hall. The wet signal is mixed with the dry one in the effect.
; Shows: freeverb parameters under k-rate control, schedule loop inside an
; instrument to create the drum pattern, wet/dry mix.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

gaDryL init 0
gaDryR init 0

instr Pattern
  ; write eight hits, one every 0.5 s, from the orchestra
  iCount = 0
  while iCount < 8 do
    schedule "Snare", iCount * 0.5, 0.2, 0.5 + 0.4 * (iCount % 2)
    iCount += 1
  od
endin

instr Snare
  aEnv  expsega 1, 0.12, 0.001
  aNoise = rand(0.5) * aEnv
  aBody  = oscili(0.3, 190) * aEnv
  aSig   = (butbp(aNoise, 3500, 3000) + aBody) * p4
  gaDryL += aSig
  gaDryR += aSig
endin

instr Room
  kSize  line 0.3, p3, 0.95
  kDamp  line 0.8, p3, 0.1
  aWetL, aWetR freeverb gaDryL, gaDryR, kSize, kDamp
  outs gaDryL * 0.6 + aWetL * 0.5, gaDryR * 0.6 + aWetR * 0.5
  clear gaDryL, gaDryR
endin

</CsInstruments>
<CsScore>
i "Pattern" 0 0.1
i "Room"    0 5.5
e
</CsScore>
</CsoundSynthesizer>
