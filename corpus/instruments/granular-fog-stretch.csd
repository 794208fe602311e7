<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Time-stretching granular synthesis with fog
; fog (FOF granular) reads grains from a sound in a table. Its aspd input is the read
; position (0..1), so a slow line stretches the sound while xtrans transposes it
; independently. The source table is computed by the piece itself: a short chirp.

sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

giSource  ftgen 0, 0, 32768, 2, 0                     ; filled by instr 1 (about 0.74 s)
giSigmoid ftgen 0, 0, 1024, 19, 0.5, 0.5, 270, 0.5    ; grain rise shape

instr 1  ; a chirp from 200 to 800 Hz with a little noise, written at i-time
  iLen   = ftlen(giSource)
  iIndex = 0
  iPhase = 0
  while iIndex < iLen do
    iCps   = 200 + 600 * iIndex / iLen
    iPhase += iCps / sr
    tableiw 0.6 * sin(2 * $M_PI * iPhase) + random(-0.05, 0.05), iIndex, giSource
    iIndex += 1
  od
endin

instr 2
  aPos   line 0, p3, 1              ; read the whole source over the note: about 5x slower
  kTrans = p4                       ; transposition ratio
  ;          amp  density trans  pos  oct band ris  dur   dec  olaps
  aGrains fog 0.15, 60, kTrans, aPos, 0, 0, 0.01, 0.05, 0.02, 30, giSource, giSigmoid, p3
  aEnv linseg 0, 0.05, 1, p3 - 0.25, 1, 0.2, 0
  outs aGrains * aEnv, aGrains * aEnv
endin

</CsInstruments>
<CsScore>
i 1 0 0
i 2 0 3.6 1
i 2 0 3.6 0.5   ; an octave below at the same time
</CsScore>
</CsoundSynthesizer>
