<CsoundSynthesizer>
; nreverb-mono-tail.csd
; nreverb is a compact mono reverb (comb + allpass network). Here two copies
; with slightly different decay times give a pseudo-stereo tail to a short
; plucked arpeggio. The arpeggio is generated with a loop of event_i calls.
; Shows: nreverb decay time and HF diffusion, decorrelated L/R, event_i.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

gaVerb init 0

instr Arp
  iNotes[] fillarray 60, 64, 67, 71, 74
  iN = 0
  while iN < lenarray(iNotes) do
    event_i "i", "Pluck", iN * 0.18, 0.5, iNotes[iN]
    iN += 1
  od
endin

instr Pluck
  iCps = cpsmidinn(p4)
  aSig = pluck(0.35, iCps, iCps, 0, 1) * linseg(1, p3 - 0.02, 1, 0.02, 0)
  aSig = dcblock2(aSig)          ; a random-noise pluck starts with some DC
  outs aSig, aSig
  gaVerb += aSig
endin

instr Verb
  aLeft  nreverb gaVerb, 2.5, 0.3
  aRight nreverb gaVerb, 2.8, 0.5
  outs aLeft * 0.25, aRight * 0.25
  clear gaVerb
endin

</CsInstruments>
<CsScore>
i "Verb" 0 4.5
i "Arp"  0 0.1
i "Arp"  1.5 0.1
e
</CsScore>
</CsoundSynthesizer>
