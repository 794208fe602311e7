<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
; Singing voice with FOF formant synthesis
; fof emits one short sine burst per period of the fundamental; the burst's frequency is a
; formant. Five fof generators at the formant frequencies, bandwidths and levels of a sung
; "ah" add up to a convincing voice. Vibrato and a slight random jitter make it less static.

sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

giSine    ftgen 0, 0, 8192, 10, 1
giSigmoid ftgen 0, 0, 1024, 19, 0.5, 0.5, 270, 0.5

; one formant: amplitude in dB, centre frequency, bandwidth
opcode Formant, a, kkkk
  kFund, kDb, kCps, kBw xin
  aFormant fof ampdbfs(kDb), kFund, kCps, 0, kBw, 0.003, 0.02, 0.007, 50, giSine, giSigmoid, 3600
  xout aFormant
endop

instr 1  ; p4 = MIDI note, p5 = level
  kVib  = 1 + lfo(0.008, 5.5) + jspline(0.003, 2, 6)
  kFund = cpsmidinn(p4) * kVib
  ; formants of a bass singer's "a"
  a1 Formant kFund, -6,  600,  60
  a2 Formant kFund, -13, 1040, 70
  a3 Formant kFund, -26, 2250, 110
  a4 Formant kFund, -28, 2450, 120
  a5 Formant kFund, -40, 2750, 130
  aVoice = (a1 + a2 + a3 + a4 + a5) * p5
  aEnv   linseg 0, 0.15, 1, p3 - 0.4, 1, 0.25, 0
  outs aVoice * aEnv, aVoice * aEnv
endin

</CsInstruments>
<CsScore>
i 1 0   2   43 0.5
i 1 2   2   48 0.5
</CsScore>
</CsoundSynthesizer>
