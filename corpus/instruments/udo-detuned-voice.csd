<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; User-defined opcodes inside an instrument
; Two small UDOs keep the instrument readable: Voice returns a detuned pair of saws, and
; FilterEnv wraps a filter with its own envelope. The new-style UDO syntax declares typed
; inputs and outputs; the instrument body then reads like a block diagram.

sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

; Two saws, detuned by kCents in opposite directions, returned as left and right.
opcode Voice, aa, kk
  kCps, kCents xin
  aLeft  vco2 0.3, kCps * cent(kCents)
  aRight vco2 0.3, kCps * cent(-kCents)
  xout aLeft, aRight
endop

; Low-pass filter whose cutoff decays from iPeak to iBase in iTime seconds.
opcode FilterEnv, a, aiii
  aIn, iPeak, iBase, iTime xin
  kCut expseg iPeak, iTime, iBase, 1, iBase
  xout moogladder(aIn, kCut, 0.3)
endop

instr 1  ; p4 = MIDI note
  kCps   = cpsmidinn(p4)
  aL, aR Voice kCps, 9
  aL     FilterEnv aL, 5000, 400, 0.6
  aR     FilterEnv aR, 5000, 400, 0.6
  kAmp   madsr 0.01, 0.3, 0.7, 0.2
  outs aL * kAmp, aR * kAmp
endin

</CsInstruments>
<CsScore>
i 1 0   0.8 48
i 1 1   0.8 51
i 1 2   0.8 55
i 1 3   1   58
</CsScore>
</CsoundSynthesizer>
