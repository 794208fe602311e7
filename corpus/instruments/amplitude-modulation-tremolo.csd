<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Amplitude modulation: from tremolo to sidebands
; AM keeps the carrier and adds sidebands because the modulator is offset to stay positive
; (1 + depth * mod). At a few hertz this is tremolo; as the modulator speeds up into the
; audio range the pulsing turns into new tones on either side of the carrier.

sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

instr 1  ; p4 = carrier Hz, p5 = modulator start Hz, p6 = modulator end Hz, p7 = depth 0..1
  kModCps expseg p5, p3, p6
  aMod    = oscili(p7, kModCps)
  aCar    oscili 0.3, p4
  aAm     = aCar * (1 + aMod) / (1 + p7)   ; normalise so the peak stays the same
  aEnv    linseg 0, 0.05, 1, p3 - 0.15, 1, 0.1, 0
  outs aAm * aEnv, aAm * aEnv
endin

</CsInstruments>
<CsScore>
i 1 0 4 440 4 300 0.9
</CsScore>
</CsoundSynthesizer>
