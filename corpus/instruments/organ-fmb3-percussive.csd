<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Tonewheel organ with fmb3
; fmb3 is an FM model of a B3-type organ. kc1 sets the overall modulation (drawbar
; brightness), kc2 balances its two modulators, and the vibrato inputs imitate the organ's
; scanner vibrato. A separate decaying sine at the 3rd harmonic adds the percussive "ping"
; of the organ's percussion tab to the chord's attack.

sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

instr 1  ; p4 = MIDI note
  iCps  = cpsmidinn(p4)
  aOrgan fmb3 0.12, iCps, 1.5, 0.4, 0.006, 6
  aPerc  = poscil(0.06, iCps * 3) * expseg(1, 0.4, 0.001, 1, 0.001)
  aEnv   linseg 0, 0.005, 1, p3 - 0.025, 1, 0.02, 0
  aOut   = (aOrgan + aPerc) * aEnv
  outs aOut, aOut
endin

</CsInstruments>
<CsScore>
i 1 0 1.5 55
i 1 0 1.5 59
i 1 0 1.5 62
i 1 1.6 2 53
i 1 1.6 2 57
i 1 1.6 2 60
i 1 1.6 2 64
</CsScore>
</CsoundSynthesizer>
