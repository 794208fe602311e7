<CsoundSynthesizer>
; control-channels.csd
; Named channels connect instruments without global variables, and are also
; how a host program (a GUI, ctcsound, a plugin) talks to Csound. A
; "controller" instrument writes a cutoff and a note name into channels; a
; synth reads them. chnexport exposes a global variable as a channel, and
; chn_k declares a channel with a range, for hosts that draw a slider.
; Shows: chn_k declaration, chnset/chnget for k and S channels, chnexport,
; changed to react to a string channel update.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

; declare channels a host could use: input+output (3), linear slider range
chn_k "cutoff", 3, 2, 800, 100, 8000
gkVolume chnexport "volume", 3               ; global k-var as channel

instr Controller
  ; slow automation of the cutoff channel
  chnset line:k(300, p3, 5000), "cutoff"
  ; change the text channel every second
  kSec = int(timeinsts())
  if changed(kSec) == 1 then
    SLabel sprintfk "section %d", kSec
    chnset SLabel, "label"
  endif
  gkVolume = 0.5                              ; same value seen by chnget "volume"
endin

instr Synth
  kCut  chnget "cutoff"
  kVol  chnget "volume"
  SName chnget "label"
  if changed:k(SName) == 1 then
    printf "label is now '%s'\n", 1, SName
  endif
  aSig  = vco2(0.4, 110) + vco2(0.4, 110.7)
  aSig  = moogladder(aSig, port(kCut, 0.02), 0.3) * kVol
  aSig *= linseg(0, 0.05, 1, p3 - 0.1, 1, 0.05, 0)
  outs aSig, aSig
endin

</CsInstruments>
<CsScore>
i "Controller" 0 4
i "Synth"      0 4
e
</CsScore>
</CsoundSynthesizer>
