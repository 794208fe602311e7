<CsoundSynthesizer>
<CsOptions>
-n -d
</CsOptions>
<CsInstruments>
sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

; Spreads a signal over two channels.
opcode Spread(sig:a, place:k):(a, a)
  left:a = sig * (1 - place)
  right:a = sig * place
  xout left, right
endop

opcode Twice(ival):(i)
  xout ival * 2
endop

opcode Announce(label:S):void
  prints "%s\n", label
endop

opcode Nothing():()
endop

opcode Total(values:k[]):k
  total:k = sumarray(values)
  xout total
endop

instr 1
  Announce("start")
  Nothing()
  level:i = Twice(0.1)
  pitch:k = 220
  tone:a = vco2(level,
                pitch)
  left:a, right:a Spread tone, 0.25
  steps:k[] = fillarray:k[](1, 2, 3)
  sum:k = Total(steps)
  printk2 sum
  out left, right
endin
</CsInstruments>
<CsScore>
i1 0 1
</CsScore>
</CsoundSynthesizer>
