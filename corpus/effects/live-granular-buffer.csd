<CsoundSynthesizer>
; live-granular-buffer.csd
; Granular processing of a live signal: the input is written continuously
; into a circular buffer table; a scheduler spawns short grains that read the
; buffer from slightly in the past, at random positions and with random
; pitch ratios, each shaped by a Hann window. The result is a shimmering
; cloud that follows the input.
; Shows: tablew with a phasor write head, table3 with wrap, schedkwhen grain
; scheduling, per-grain random parameters, window table from GEN20.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

giBufLen = 131072                               ; about 2.7 s at 48 kHz
giBuf    ftgen 0, 0, giBufLen, 2, 0             ; empty buffer
giHann   ftgen 0, 0, 8192, 20, 2                ; Hann window
gaLive   init 0
gkWrite  init 0                                 ; write position, 0..1

instr Melody
  iCps = cpspch(p4)
  gaLive += vco2(0.3, iCps, 12) * madsr(0.01, 0.1, 0.6, 0.1)
endin

instr Recorder
  aPhase phasor sr / giBufLen
  tablew gaLive, aPhase, giBuf, 1               ; normalised index
  gkWrite = k(aPhase)
  ; grain clock: 30 grains per second, 80 ms long
  kTick metro 30
  schedkwhen kTick, 0, 0, "Grain", 0, 0.08
  outs gaLive * 0.5, gaLive * 0.5               ; the dry signal
  clear gaLive
endin

instr Grain
  iBufDur = giBufLen / sr
  ; start 0.1 .. 0.5 s behind the write head, wrapped into 0..1
  iStart  = i(gkWrite) - random(0.1, 0.5) / iBufDur
  iStart  = iStart < 0 ? iStart + 1 : iStart
  iRatio  = random:i(0, 1) > 0.5 ? 1.5 : 2       ; fifth or octave up
  aRead   line iStart, p3, iStart + p3 * iRatio / iBufDur
  aGrain  table3 aRead, giBuf, 1, 0, 1           ; normalised, wrapping
  aWin    oscili 1, 1 / p3, giHann
  aL, aR  pan2 aGrain * aWin * 0.3, random(0.1, 0.9)
  outs aL, aR
endin

</CsInstruments>
<CsScore>
i "Recorder" 0 5
i "Melody" 0   0.4 8.00
i "Melody" 0.5 0.4 8.04
i "Melody" 1.0 0.4 8.07
i "Melody" 1.5 1.5 8.11
e
</CsScore>
</CsoundSynthesizer>
