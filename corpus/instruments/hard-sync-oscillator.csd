<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Hard sync
; A master syncphasor resets a slave phasor on every cycle. Sweeping the slave's frequency
; while the pitch stays at the master's rate gives the tearing, vocal sweep of a synced lead.

sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

giSaw ftgen 0, 0, 4096, 7, -1, 4096, 1   ; a drawn ramp (sawtooth) from -1 to 1

instr 1
  iCps = cpsmidinn(p4)
  aMaster, aSync syncphasor iCps, a(0)        ; aSync spikes to 1 at each master cycle
  kRatio expseg 1, p3 * 0.5, 6, p3 * 0.5, 1.5   ; slave frequency as a multiple of the master
  aSlave, aUnused syncphasor iCps * kRatio, aSync
  aSig  tablei aSlave, giSaw, 1              ; read the ramp with the slave's phase
  aSig  = dcblock2(aSig)
  kEnv  linsegr 0, 0.01, 1, 0.2, 0.7, 0.1, 0
  aOut  = butterlp(aSig, 6000) * kEnv * 0.35
  outs aOut, aOut
endin

</CsInstruments>
<CsScore>
i 1 0 1.8 45
i 1 2 1.8 52
</CsScore>
</CsoundSynthesizer>
