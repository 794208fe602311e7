<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Sample playback at different pitches with loscilx
; A sampler stretches one recording across the keyboard. This piece first "records" its own
; sample: instrument 1 writes a synthesised tone into a table with tablew. Then loscilx plays
; that table back once (no loop) at a speed ratio: played note / recorded pitch (220 Hz).
; loscilx suits tables filled by the orchestra; plain loscil expects tables loaded by GEN01,
; which carry the sample rate of their sound file.

sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

giSample ftgen 0, 0, 48000, 2, 0           ; one second of silence to record into

instr 1  ; record: a decaying 220 Hz tone with a bright attack, written sample by sample
  aIndex line 0, 1, ftlen(giSample)
  aTone  = vco2(0.6, 220) * expseg(1, 1, 0.01)
  aTone  = butterlp(aTone, 4000)
  tablew aTone, aIndex, giSample
endin

instr 2  ; play: p4 = MIDI note; base pitch is 220 Hz (MIDI note 57)
  iCps = cpsmidinn(p4)
  ;            amp  speed       table     cubic  base  start  no loop
  aSig loscilx 0.8, iCps / 220, giSample, 4,     1,    0,     0
  outs aSig, aSig
endin

</CsInstruments>
<CsScore>
i 1 0 1
i 2 1   1 57    ; original pitch
i 2 1.5 1 64
i 2 2   1 69
i 2 2.5 2 45    ; an octave below plays twice as long
</CsScore>
</CsoundSynthesizer>
