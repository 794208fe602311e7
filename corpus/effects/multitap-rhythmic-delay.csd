<CsoundSynthesizer>
; multitap-rhythmic-delay.csd
; Several taps read from one delay line at musically spaced times (dotted
; eighth, quarter, dotted quarter...) with their own gains and stereo
; positions: a rhythmic echo pattern from a single hit.
; Shows: one delayr buffer with many deltap3 taps, tempo-derived delay times.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

gaHit init 0

instr Hit
  ; short metallic hit from two inharmonic partials
  aEnv expsega 1, 0.15, 0.001
  aSig = (oscili(0.3, 523) + oscili(0.2, 523 * 2.76)) * aEnv
  outs aSig, aSig
  gaHit += aSig
endin

instr Taps
  iBeat = 60 / 120                      ; one beat at 120 bpm
  aDump delayr 2
  aT1   deltap3 iBeat * 0.75            ; dotted eighth
  aT2   deltap3 iBeat * 1.0
  aT3   deltap3 iBeat * 1.5
  aT4   deltap3 iBeat * 2.25
  aT5   deltap3 iBeat * 3.0
        delayw gaHit
  ; spread the taps across the stereo field with falling gains
  aL = aT1 * 0.6 + aT3 * 0.35 + aT5 * 0.15
  aR = aT2 * 0.5 + aT4 * 0.25 + aT5 * 0.15
  outs aL, aR
  clear gaHit
endin

</CsInstruments>
<CsScore>
i "Taps" 0 5
i "Hit"  0 0.2
i "Hit"  2 0.2
e
</CsScore>
</CsoundSynthesizer>
