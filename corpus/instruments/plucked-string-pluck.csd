<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Karplus-Strong plucked string with pluck
; pluck fills a short buffer with noise and repeatedly averages it, the Karplus-Strong
; algorithm: the noise quickly settles into a pitched, decaying string tone. Method 1 is
; the plain averaging; a strummed chord shows how cheap and convincing it is.

sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

instr 1  ; p4 = MIDI note, p5 = amplitude
  iCps = cpsmidinn(p4)
  aStr pluck p5, iCps, iCps, 0, 1     ; ifn 0 = start from random noise, method 1 = simple average
  aStr = dcblock(aStr)
  aEnv linseg 1, p3 - 0.05, 1, 0.05, 0 ; only to avoid a click when the note is cut
  iPan = 0.3 + 0.4 * (p4 - 40) / 30   ; low strings left, high strings right
  outs aStr * aEnv * (1 - iPan), aStr * aEnv * iPan
endin

</CsInstruments>
<CsScore>
; an E minor strum, 25 ms between strings, then single notes
i 1 0     2.5 40 0.5
i 1 0.025 2.5 47 0.5
i 1 0.05  2.5 52 0.5
i 1 0.075 2.5 55 0.5
i 1 0.1   2.5 59 0.5
i 1 0.125 2.5 64 0.5
i 1 2.5   1.5 64 0.6
i 1 3     1.5 67 0.6
</CsScore>
</CsoundSynthesizer>
