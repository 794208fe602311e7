<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Tubular bells with fmbell
; fmbell is a prebuilt FM bell (two operator pairs). kc1 is the modulation index and kc2
; the balance of the two pairs; isus sets the ring time. A little reverb (reverbsc) in a
; second instrument, fed through global audio variables, places the bells in a hall.

sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

gaSendL init 0
gaSendR init 0

instr 1  ; p4 = MIDI note, p5 = pan 0..1
  aBell fmbell 0.2, cpsmidinn(p4), 1.6, 1.2, 0.003, 4
  aEnv  linseg 1, p3 - 0.05, 1, 0.05, 0
  aBell *= aEnv
  aL = aBell * sqrt(1 - p5)
  aR = aBell * sqrt(p5)
  outs aL, aR
  gaSendL += aL * 0.4                  ; send to the reverb
  gaSendR += aR * 0.4
endin

instr 99  ; reverb, always on
  aL, aR reverbsc gaSendL, gaSendR, 0.85, 9000
  outs aL, aR
  clear gaSendL, gaSendR               ; start the next cycle from silence
endin

</CsInstruments>
<CsScore>
i 99 0 5
i 1 0   3 72 0.3
i 1 0.5 3 67 0.6
i 1 1   3 64 0.4
i 1 1.5 3 60 0.7
</CsScore>
</CsoundSynthesizer>
