<CsoundSynthesizer>
; sidechain-ducking-compressor.csd
; Side-chain compression: a sustained pad is compressed, but the detector
; listens to a kick drum instead of the pad itself, so the pad "ducks" out of
; the way on every kick (the pumping sound of dance music).
; Shows: compress2 with separate audio and control inputs, knee/ratio/attack/
; release settings in dB, two global buses for signal and key.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

gaPad  init 0          ; signal to be compressed
gaKick init 0          ; key (side-chain) signal

instr Pad
  iCps = cpspch(p4)
  aSig = vco2(0.12, iCps) + vco2(0.12, iCps * 1.003)
  gaPad += butlp(aSig, 1800) * linseg(0, 0.2, 1, p3 - 0.4, 1, 0.2, 0)
endin

instr Kick
  kPitch expseg 150, 0.06, 55, 0.25, 45
  aSig   = oscili(0.7, kPitch) * expsega(1, 0.3, 0.001)
  outs aSig, aSig                     ; the kick is heard directly
  gaKick += aSig                      ; and drives the compressor
endin

instr Duck
  ; thresh -90 dB, knee -40..-30 dB, ratio 10:1, attack 5 ms, release 200 ms
  aOut compress2 gaPad, gaKick, -90, -40, -30, 10, 0.005, 0.2, 0.02
  outs aOut, aOut
  clear gaPad, gaKick
endin

</CsInstruments>
<CsScore>
i "Duck" 0 5
i "Pad" 0 5 7.00
i "Pad" 0 5 7.07
i "Pad" 0 5 8.04
; four-on-the-floor kick at 120 bpm
i "Kick" 0.0 0.3
i "Kick" 0.5 0.3
i "Kick" 1.0 0.3
i "Kick" 1.5 0.3
i "Kick" 2.0 0.3
i "Kick" 2.5 0.3
i "Kick" 3.0 0.3
i "Kick" 3.5 0.3
i "Kick" 4.0 0.3
e
</CsScore>
</CsoundSynthesizer>
