<CsoundSynthesizer>
; moogladder-filter-sweep.csd
; A detuned sawtooth chord is sent over a global audio bus into a Moog-style
; ladder lowpass. The cutoff is swept by a slow sine LFO on top of a rising
; envelope, and resonance is raised halfway through so the sweep "sings".
; Shows: global audio send/receive, clearing the bus, moogladder, LFO control.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

gaBus init 0                 ; dry signal bus: sources add, the filter reads

instr Saw
  iAmp = p4
  iCps = cpspch(p5)
  kEnv madsr 0.02, 0.2, 0.8, 0.3
  ; two slightly detuned saws for width
  aOne vco2 iAmp, iCps
  aTwo vco2 iAmp, iCps * 1.006
  gaBus += (aOne + aTwo) * 0.5 * kEnv
endin

instr LadderFilter
  kLfo   = lfo(0.6, 0.5)                     ; +/- 0.6 octaves, 0.5 Hz
  kBase  expseg 200, p3 * 0.7, 3000, p3 * 0.3, 600
  kCut   = limit(kBase * 2 ^ kLfo, 40, 12000)
  kRes   linseg 0.2, p3 * 0.5, 0.2, p3 * 0.2, 0.75, p3 * 0.3, 0.75
  aFilt  moogladder gaBus, kCut, kRes
  aFilt  dcblock2 aFilt
  outs aFilt * 0.8, aFilt * 0.8
  clear gaBus                                ; empty the bus for the next k-cycle
endin

</CsInstruments>
<CsScore>
; the filter runs for the whole piece, notes feed it
i "LadderFilter" 0 5
i "Saw" 0    1.2 0.3 7.00
i "Saw" 0    1.2 0.3 7.07
i "Saw" 1.25 1.2 0.3 6.10
i "Saw" 1.25 1.2 0.3 7.05
i "Saw" 2.5  2.2 0.3 7.03
i "Saw" 2.5  2.2 0.3 7.10
e
</CsScore>
</CsoundSynthesizer>
