<CsoundSynthesizer>
; simple-feedback-delay.csd
; The classic echo built from delayr/delayw: the delay line is written with
; the input plus a filtered, attenuated copy of its own output, so each echo
; is a little darker and quieter than the one before.
; Shows: delayr/delayw pair, deltapi tap, feedback with a tone filter in the loop,
; global audio send with a wet/dry split.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

gaSend init 0

instr Pluck
  iCps = cpspch(p4)
  aSig pluck 0.4, iCps, iCps, 0, 1
  aSig *= linseg(1, p3 - 0.05, 1, 0.05, 0)
  outs aSig, aSig              ; dry signal straight out
  gaSend += aSig               ; and a copy to the echo
endin

instr Echo
  iTime     = p4                          ; delay time in seconds
  kFeedback = p5
  aFb       init 0                        ; feedback signal from the last pass
  aBuf      delayr 1.0                    ; 1 second maximum
  aTap      deltapi iTime
            delayw gaSend + aFb * kFeedback
  aFb       tone aTap, 3000               ; darken each repeat
  outs aTap * 0.6, aTap * 0.6
  clear gaSend
endin

</CsInstruments>
<CsScore>
;  echo: delay time, feedback
i "Echo" 0 5.5 0.375 0.55
i "Pluck" 0    0.3 8.00
i "Pluck" 0.75 0.3 8.07
i "Pluck" 1.5  0.3 8.03
i "Pluck" 2.25 0.6 7.10
e
</CsScore>
</CsoundSynthesizer>
