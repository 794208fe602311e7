<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Multi-voice granular texture with granule
; granule reads grains from a table holding a recorded sound. The piece makes its own
; "recording": an instrument computes a short plucked melody into a table at i-time, so no
; sound file is needed. granule then plays it with 16 voices, three extra pitch layers
; (unison, fifth, octave) and randomised grain sizes and gaps for a dense, chord-like cloud.

sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

giSource ftgen 0, 0, 65536, 2, 0      ; ~1.4 s of sound at 48 kHz, filled by instr 1

instr 1  ; fill the source table with three decaying tones, one after another
  iLen  = ftlen(giSource)
  iNote = 0
  iCps[] fillarray 220, 262, 330
  iIndex = 0
  while iIndex < iLen do
    iNote = int(iIndex / (iLen / 3))
    iTime = (iIndex % (iLen / 3)) / sr
    iVal  = sin(2 * $M_PI * iCps[iNote] * iTime) * exp(-iTime * 4)
    iVal += 0.3 * sin(4 * $M_PI * iCps[iNote] * iTime) * exp(-iTime * 9)
    tableiw iVal * 0.7, iIndex, giSource
    iIndex += 1
  od
endin

instr 2
  iDur = ftlen(giSource) / sr
  ;             amp voices ratio mode thd table pshift gskip gskip_os length
  aSig granule 0.12, 16, 1, 0, 0, giSource, 4, 0, 0, iDur, \
               0.01, 50, 0.08, 40, 30, 30, 0.37, 1, 1.5, 2, 1
  ; gap 10 ms (+-50%), size 80 ms (+-40%), 30% attack and decay, then pitch layers 1, 1.5, 2, 1
  aEnv linseg 0, 0.2, 1, p3 - 0.7, 1, 0.5, 0
  aL = aSig * aEnv
  aR = delay(aL, 0.013)              ; cheap stereo spread
  outs aL, aR
endin

</CsInstruments>
<CsScore>
i 1 0 0
i 2 0 4
</CsScore>
</CsoundSynthesizer>
