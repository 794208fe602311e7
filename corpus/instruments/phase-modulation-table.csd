<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Phase modulation from first principles
; Instead of an FM opcode, a phasor produces the carrier's phase and a modulator is added to
; that phase before tablei reads a sine table (wrap mode). This is the phase-modulation form
; used by most "FM" keyboards; the modulation index is in radians divided by 2 pi.

sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

giSine ftgen 0, 0, 16384, 10, 1

instr 1  ; p4 = MIDI note, p5 = modulator ratio, p6 = peak index
  iCps    = cpsmidinn(p4)
  kIndex  expseg p6, p3, 0.05
  aMod    poscil kIndex / (2 * $M_PI), iCps * p5, giSine   ; phase offset in cycles
  aPhase  phasor iCps
  aSig    tablei aPhase + aMod, giSine, 1, 0, 1            ; normalised index, wrap around
  aEnv    linseg 0, 0.005, 0.3, p3 - 0.105, 0.2, 0.1, 0
  outs aSig * aEnv, aSig * aEnv
endin

</CsInstruments>
<CsScore>
i 1 0 1   50 1 8
i 1 1 1   50 2 6
i 1 2 2   62 3 4
</CsScore>
</CsoundSynthesizer>
