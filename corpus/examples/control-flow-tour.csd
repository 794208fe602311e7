<CsoundSynthesizer>
; control-flow-tour.csd
; The control-flow constructs of the Csound language in one instrument set:
; if/elseif/else blocks at i- and k-rate, the ternary operator, while and
; until loops, and the older goto/label style (igoto, kgoto, cggoto), which
; still appears in a lot of existing code.
; Shows: init-time vs performance-time branching, loops that run at init,
; labels, conditional gotos.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

instr 1
  ; --- i-time if/elseif: choose a waveform from p4 ---
  iWave = p4
  if iWave == 0 then
    aSig = poscil(0.3, cpspch(p5))
  elseif iWave == 1 then
    aSig = vco2(0.2, cpspch(p5), 12)
  else
    aSig = vco2(0.15, cpspch(p5))
  endif

  ; --- until loop at init time: find the first octave above 1 kHz ---
  iOct = cpspch(p5)
  until iOct > 1000 do
    iOct *= 2
  od
  prints "first octave above 1 kHz: %.1f Hz\n", iOct

  ; --- goto style: skip the brightness filter for sine waves ---
  if iWave == 0 igoto noFilter
  aSig = butlp(aSig, iOct)
noFilter:

  ; --- k-rate conditions: gate the sound on alternate quarters of a second ---
  kPhase = phasor:k(2)
  kGate  = kPhase < 0.75 ? 1 : 0.3           ; ternary operator
  ; cggoto: jump while in the first half of the note (both passes)
  cggoto timeinsts() < p3 / 2, firstHalf
  kGate *= 0.7                                ; quieter second half
firstHalf:
  aOut = aSig * port(kGate, 0.01) * linseg(0, 0.01, 1, p3 - 0.02, 1, 0.01, 0)
  outs aOut, aOut
endin

</CsInstruments>
<CsScore>
;         wave pitch
i 1 0   1.4 0  8.00
i 1 1.5 1.4 1  8.04
i 1 3.0 1.4 2  7.07
e
</CsScore>
</CsoundSynthesizer>
