<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Scrubbing and reversing a table with a pointer
; Playing a table with tablei and an explicit read pointer gives total control: the pointer
; can run backwards, stop, wobble like tape, or jump. The table holds a short arpeggio that
; instr 1 records from a triangle oscillator; instr 2 plays it forwards, then backwards, then
; scrubs it with a random pointer.

sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

giTape ftgen 0, 0, 65536, 2, 0            ; about 1.37 s

instr 1  ; record four short notes into the table
  aPointer line 0, ftlen(giTape) / sr, ftlen(giTape)
  kCps[]   fillarray 262, 330, 392, 523
  kTime    = timeinsts() * 3                  ; three notes per second
  kNote    = int(kTime) % 4
  kDecay   = (1 - frac(kTime)) ^ 3            ; each note fades before the next
  aTone    vco2 0.6 * kDecay, kCps[kNote], 12
  tablew aTone, aPointer, giTape
endin

instr 2  ; p4 = 1 forward, 2 reverse, 3 scrub
  iDur = ftlen(giTape) / sr
  if p4 == 1 then
    aPointer line 0, iDur, 1
  elseif p4 == 2 then
    aPointer line 1, iDur, 0
  else
    aPointer = a(jspline(0.5, 1, 4) + 0.5)   ; random tape-like wandering
  endif
  aSig tablei aPointer, giTape, 1          ; normalised pointer 0..1
  aEnv linseg 0, 0.01, 1, p3 - 0.06, 1, 0.05, 0
  outs aSig * aEnv, aSig * aEnv
endin

</CsInstruments>
<CsScore>
i 1 0   1.37
i 2 1.4 1.3 1
i 2 2.8 1.3 2
i 2 4.2 1.5 3
</CsScore>
</CsoundSynthesizer>
