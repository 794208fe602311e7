<CsoundSynthesizer>
; midi-style-note-list.csd
; Working with MIDI-style data without a MIDI device: a note list of
; (delta time in ticks, note number, velocity, length in ticks) is stored in
; a flat array, converted to seconds from a tempo and PPQ resolution, and
; scheduled. Velocity maps to loudness through ampmidicurve (dynamic range
; 0..1 and a shaping exponent) and to brightness through the filter cutoff.
; Shows: MIDI ticks to seconds, note numbers with mtof, velocity curves with
; ampmidicurve, a release segment added by linsegr after the note ends.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

instr Player
  iPpq   = 480                              ; ticks per quarter note
  iBpm   = 110
  iTick  = 60 / iBpm / iPpq                 ; seconds per tick
  ; delta, note, velocity, length (all in ticks except note/velocity)
  iData[] fillarray 0,   60, 100, 240,
                    240, 62, 40,  240,
                    240, 64, 70,  240,
                    240, 67, 127, 480,
                    480, 65, 55,  240,
                    240, 64, 90,  240,
                    240, 62, 30,  240,
                    240, 60, 110, 720
  iTime = 0
  iN    = 0
  while iN < lenarray(iData) do
    iTime += iData[iN] * iTick
    schedule "Synth", iTime, iData[iN + 3] * iTick, iData[iN + 1], iData[iN + 2]
    iN += 4
  od
endin

instr Synth
  iNote = p4
  iVel  = p5
  ; dynamic range 0.9 (softest gain 0.1), exponent 2: a curved response
  iAmp  ampmidicurve iVel, 0.9, 2
  iAmp  *= 0.35
  iCut  = 500 + iVel / 127 * 5000
  kEnv  linsegr 0, 0.01, 1, 0.1, 0.7, 0.15, 0   ; release added after p3
  aSig  = vco2(iAmp, mtof:i(iNote))
  aSig  = moogladder(aSig, iCut, 0.2) * kEnv
  outs aSig, aSig
endin

</CsInstruments>
<CsScore>
i "Player" 0 0.01
e 4.5
</CsScore>
</CsoundSynthesizer>
