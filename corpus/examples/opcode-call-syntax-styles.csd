<CsoundSynthesizer>
; opcode-call-syntax-styles.csd
; The same instrument written twice, once in classic "output opcode inputs"
; style and once with function-call syntax, to show that they compile to the
; same thing. Function syntax allows nesting and needs a rate hint when an
; opcode has several versions (oscili:a, random:i). Opcodes with more than
; one output must use the classic form. Casting functions i(), k() and a()
; convert between rates.
; Shows: classic vs functional calls, :a/:k/:i rate annotations, nesting,
; multiple outputs, i()/k()/a() conversions, compound assignment (+=, *=).
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

seed 3

; --- classic style ---
instr Classic
  iCps   random 200, 400
  kEnv   linseg 0, 0.02, 0.3, p3 - 0.12, 0.2, 0.1, 0
  kVib   oscili 3, 5
  aOsc   oscili kEnv, iCps + kVib
  aFilt  butlp aOsc, 2000
  aL, aR pan2 aFilt, 0.3                     ; two outputs: classic only
         outs aL, aR
endin

; --- function style, same sound ---
instr Functional
  iCps  = random:i(200, 400)
  kEnv  = linseg:k(0, 0.02, 0.3, p3 - 0.12, 0.2, 0.1, 0)
  aFilt = butlp(oscili:a(kEnv, iCps + oscili:k(3, 5)), 2000)
  aL, aR pan2 aFilt, 0.7
  outs aL, aR
endin

; --- rate conversions and compound assignment ---
instr Conversions
  kRamp = line:k(0, p3, 1)
  iStartRamp = i(kRamp)                      ; value of kRamp at init (0)
  aSmooth = a(kRamp)                         ; k -> a, interpolated
  kPeak = k(aSmooth)                         ; a -> k, one value per k-cycle
  aSig  = oscili(0.2, 300 + kPeak * 300)
  aSig *= aSmooth                            ; same as aSig = aSig * aSmooth
  aSig += oscili:a(0.05, 150)
  printks "ramp %.2f (started at %.2f)\n", 0.5, kPeak, iStartRamp
  outs aSig, aSig
endin

</CsInstruments>
<CsScore>
i "Classic"     0   1.2
i "Functional"  1.3 1.2
i "Conversions" 2.6 1.5
e
</CsScore>
</CsoundSynthesizer>
