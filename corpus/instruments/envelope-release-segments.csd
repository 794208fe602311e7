<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Release segments: linsegr, expsegr and xtratim
; The "r" envelope generators hold their last segment until the note is released, then play
; a release segment, extending the note automatically. For custom release logic, xtratim
; extends a note by hand and the release opcode tells us when the release phase has begun.

sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

instr 1  ; linsegr: attack, decay to sustain, then a 0.6 s release after the note's end
  kEnv linsegr 0, 0.02, 1, 0.2, 0.6, 0.6, 0
  aSig = oscili(0.4 * kEnv, 440)
  outs aSig, aSig
endin

instr 2  ; expsegr: the same shape with exponential segments
  kEnv expsegr 0.001, 0.02, 1, 0.2, 0.6, 0.6, 0.001
  aSig = oscili(0.4 * kEnv, 550)
  outs aSig, aSig
endin

instr 3  ; manual release: xtratim adds time, release() reports when we are in it
  xtratim 0.5
  kReleasing release
  kFade init 1
  if kReleasing == 1 then
    kFade = kFade * 0.995                    ; fall about 0.5% per control period
  endif
  aSig = oscili(0.4 * kFade, 660) * linseg(0, 0.02, 1)
  outs aSig, aSig
endin

</CsInstruments>
<CsScore>
i 1 0   0.8
i 2 1.4 0.8
i 3 2.8 0.6
</CsScore>
</CsoundSynthesizer>
