<CsoundSynthesizer>
; distortion-waveshaping.csd
; Three flavours of overdrive on the same guitar-like pluck, chosen by p4:
; distort1 (asymmetric modified tanh), plain tanh soft clipping with a drive
; control, and powershape (exponent-based shaping). Output levels are
; matched roughly and a tone filter tames the fizz after each.
; Shows: distort1 parameters, tanh on audio, powershape, post-EQ with tone.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

instr 1
  iType = p4
  iCps  = cpspch(p5)
  aDry  pluck 0.5, iCps, iCps, 0, 1
  aDry  dcblock2 aDry                        ; DC would bias the shaper
  kDrive linseg 1, p3, 8                     ; drive increases over the note
  if iType == 0 then
    ; pre-gain, post-gain, positive and negative shape; imode 1 = 0dbfs range
    aDist distort1 aDry, kDrive, 0.5, 0.2, 0, 1
  elseif iType == 1 then
    aDist = tanh(aDry * kDrive) * 0.5
  else
    ; exponent < 1 fattens the waveform; needs input within -1..1
    aDist = powershape(aDry, 1 / kDrive) * 0.4
  endif
  aOut tone aDist, 4000
  aOut *= linseg(1, p3 - 0.05, 1, 0.05, 0)
  outs aOut, aOut
endin

</CsInstruments>
<CsScore>
;       type pitch
i 1 0   1.5  0   7.04
i 1 1.6 1.5  1   7.04
i 1 3.2 1.5  2   7.04
e
</CsScore>
</CsoundSynthesizer>
