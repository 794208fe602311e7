<CsoundSynthesizer>
; ping-pong-delay.csd
; Stereo ping-pong echo: the input enters only the left delay, the left
; output feeds the right delay and the right output feeds back into the left,
; so repeats bounce between the speakers. Written as a UDO so it can be
; dropped into any project.
; Shows: UDO with two audio outputs, vdelay3 with fixed times, cross feedback.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

gaIn init 0

; PingPong: aIn, delay time (s), feedback (0..0.95) -> left, right
opcode PingPong, aa, aii
  aIn, iTime, iFb xin
  aRight init 0                              ; right output of previous cycle
  aLeft  vdelay3 aIn + aRight * iFb, iTime * 1000, 2000
  aRight vdelay3 aLeft, iTime * 1000, 2000
  xout aLeft, aRight
endop

instr Blip
  iCps = cpsmidinn(p4)
  aEnv expon 1, p3, 0.001
  aSig = oscili(0.35, iCps) * aEnv
  outs aSig, aSig
  gaIn += aSig
endin

instr Delay
  aL, aR PingPong gaIn, 0.25, 0.6
  outs aL * 0.7, aR * 0.7
  clear gaIn
endin

</CsInstruments>
<CsScore>
i "Delay" 0 5
i "Blip" 0   0.2 72
i "Blip" 1.0 0.2 79
i "Blip" 2.0 0.2 76
i "Blip" 2.5 0.2 84
e
</CsScore>
</CsoundSynthesizer>
