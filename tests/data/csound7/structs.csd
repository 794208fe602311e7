<CsoundSynthesizer>
<CsOptions>
-n -d
</CsOptions>
<CsInstruments>
sr = 44100
ksmps = 32
nchnls = 1
0dbfs = 1

; Where a sound sits.
struct Spot across:i, depth:i
struct Voice pitch:i, loud:i,
  spot:Spot, steps:k[]

declare Louder(v:Voice, by:i):(Voice)

instr 1
  here:Spot init 0.5, 1
  here.depth = 2
  one:Voice init 440, 0.2, here, fillarray(1, 2)
  one.spot.across = here.depth + 1
  two:Voice = Louder(one, 2)
  crowd:Spot[] init 3
  crowd[1].across = two.loud
  print two.loud, crowd[1].across, one.spot.across
endin

opcode Louder(v:Voice, by:i):Voice
  out:Voice init v.pitch, v.loud * by, v.spot, v.steps
  xout out
endop
</CsInstruments>
<CsScore>
i1 0 0.1
</CsScore>
</CsoundSynthesizer>
