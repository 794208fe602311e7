<CsoundSynthesizer>
; tied-notes-legato.csd
; Legato with tied notes. A negative p3 holds a note open; the next note
; with the same (fractional) instrument number then "ties" onto the running
; instance instead of starting a new one. tigoto skips the parts of the init
; pass that must not restart (envelope, oscillator phase, filter state), so
; the pitch glides smoothly with no new attack. tival reports whether the
; current note is tied.
; Shows: negative p3, fractional instrument numbers, tigoto, tival, skipping
; oscillator phase reset with a negative iphs, moogladder istor.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

giSaw ftgen 0, 0, 8192, 10, 1, 1/2, 1/3, 1/4, 1/5, 1/6, 1/7, 1/8, 1/9, 1/10

instr 1
  iCps  = cpspch(p4)
  iTied tival
  prints "p1 %.1f  pitch %.2f  tied %d\n", p1, p4, iTied
  tigoto tied
  ; --- only on the first, untied note ---
  kCps  init iCps
  kEnv  linsegr 0, 0.08, 0.3, 0.3, 0
tied:
  ; --- every note: glide toward the new pitch (one-pole smoothing) ---
  kCps  += (iCps - kCps) * 0.03
  aSig  oscili kEnv, kCps, giSaw, -1        ; -1: keep the running phase
  aSig  moogladder aSig, 1800, 0.3, 1       ; istor 1: keep filter state
  outs aSig, aSig
endin

</CsInstruments>
<CsScore>
; voice 1.1: three tied notes, the last one has a positive duration
i 1.1 0   -1  8.00
i 1.1 1   -1  8.07
i 1.1 2   1.5 8.04
; voice 1.2: an independent line a third below, also tied
i 1.2 0.5 -1  7.09
i 1.2 1.5 2.0 7.11
e 4
</CsScore>
</CsoundSynthesizer>
