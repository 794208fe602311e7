; shared definitions for main.csd
gkVolume init 0.5

opcode StereoPan, aa, ak
  aIn, kPos xin
  aLeft, aRight pan2 aIn, kPos
  xout aLeft, aRight
endop
