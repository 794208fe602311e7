<CsoundSynthesizer>
; shelving-eq-pareq.csd
; Tone controls with pareq: a low shelf (mode 1) and a high shelf (mode 2)
; work like the bass and treble knobs of a hi-fi amplifier. The two gains
; move in opposite directions over the piece, tilting the spectrum from dark
; to bright. pareq takes a linear gain factor, so dB values go through ampdb.
; Shows: pareq modes, Q for shelves (0.707 for no overshoot), tilt EQ.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

gaMusic init 0

instr Arp
  iCps = cpspch(p4)
  aSig = vco2(0.2, iCps) * expsega(1, p3, 0.05)
  gaMusic += aSig
endin

instr Tilt
  kTilt  linseg -12, p3, 12                      ; dB: dark -> bright
  aLow   pareq gaMusic, 250, ampdb(-kTilt), 0.707, 1
  aBoth  pareq aLow, 2500, ampdb(kTilt), 0.707, 2
  aOut   = aBoth * 0.4
  outs aOut, aOut
  clear gaMusic
endin

</CsInstruments>
<CsScore>
i "Tilt" 0 4.5
{ 8 N
i "Arp" [$N * 0.5]        0.45 7.00
i "Arp" [$N * 0.5 + 0.25] 0.2  8.00
}
e
</CsScore>
</CsoundSynthesizer>
