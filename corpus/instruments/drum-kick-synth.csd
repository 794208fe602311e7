<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Synthesised kick drum
; An electronic kick is a sine whose pitch drops fast (the "knock") and then settles on a
; low tone (the "boom"), plus a very short click for definition. The pitch and amplitude
; envelopes are both exponential; tanh adds gentle saturation for punch.

sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

instr 1  ; p4 = amplitude, p5 = low frequency in Hz
  kPitch expseg 400, 0.04, p5 * 1.5, 0.2, p5, 1, p5
  aAmp   expseg 1, p3, 0.001
  aBody  poscil 1, kPitch
  aClick = butterhp(rand(1), 3000) * expseg(1, 0.008, 0.001, 1, 0.001)
  aKick  = tanh((aBody * aAmp + aClick * 0.3) * 1.5) * p4
  outs aKick, aKick
endin

</CsInstruments>
<CsScore>
i 1 0    0.5 0.7 50
i 1 0.5  0.5 0.7 50
i 1 1    0.5 0.7 50
i 1 1.5  0.5 0.7 50
i 1 2    0.8 0.8 42
i 1 2.75 0.5 0.6 60
i 1 3    0.8 0.8 42
</CsScore>
</CsoundSynthesizer>
