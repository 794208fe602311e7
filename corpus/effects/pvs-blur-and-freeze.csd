<CsoundSynthesizer>
; pvs-blur-and-freeze.csd
; Two ways of stretching time in the spectral domain. pvsblur averages each
; bin over a window of frames, smearing a fast arpeggio into a wash.
; pvsfreeze holds the current frame while its freeze inputs are 1: here a
; slow square wave freezes the arpeggio for half a second at a time.
; p4 picks the process.
; Shows: pvsblur time window, pvsfreeze amplitude/frequency freeze flags,
; k-rate square LFO as a gate, an arpeggio made from a table with phasor.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

; arpeggio notes as MIDI numbers (GEN -2: no normalisation)
giArp ftgen 0, 0, 8, -2, 60, 64, 67, 72, 76, 72, 67, 64

instr 1
  iProcess = p4
  kIdx  = phasor:k(1) * 8                   ; 8 notes per second
  kNote table kIdx, giArp
  aSrc  vco2 0.3, cpsmidinn(kNote), 12
  fSrc  pvsanal aSrc, 1024, 256, 1024, 1
  if iProcess == 0 then
    fOut pvsblur fSrc, 0.25, 1               ; 250 ms blur, 1 s max
  else
    kGate = lfo(1, 1, 3) > 0.5 ? 1 : 0       ; square LFO: 1 half the time
    fOut pvsfreeze fSrc, kGate, kGate
  endif
  aOut pvsynth fOut
  aOut *= linseg(0, 0.05, 0.7, p3 - 0.25, 0.7, 0.2, 0)
  outs aOut, aOut
endin

</CsInstruments>
<CsScore>
;         p4: 0 blur, 1 freeze
i 1 0   2.5 0
i 1 2.6 2.5 1
e
</CsScore>
</CsoundSynthesizer>
