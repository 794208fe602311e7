<CsoundSynthesizer>
; macros-with-arguments.csd
; Text macros in the orchestra and in the score. #define with arguments
; (separated by ') expands like a small template before compilation; $NAME.
; inserts the text. #ifdef selects code at compile time. In the score,
; macros name pitches and shared p-field groups.
; Shows: orchestra macros with and without arguments, the trailing dot in
; $NAME., #ifdef/#else/#end, score macros, $M_PI built-in constant macro.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

#define STEREO_OUT #1#
#define FADE #0.02#
; a macro with arguments: detuned pair of oscillators
#define DETUNED(amp'freq'cents) #(vco2($amp, $freq) + vco2($amp, $freq * cent($cents)))#
; a macro that expands to a whole statement
#define ENVELOPE(name'dur) #$name linseg 0, $FADE., 1, $dur - 2 * $FADE., 1, $FADE., 0#

instr 1
  $ENVELOPE(kEnv'p3)
  aSig = $DETUNED(0.15'cpspch(p4)'p5) * kEnv
  aSig = butlp(aSig, 2500)
  ; the phase of a sine LFO expressed with the $M_PI constant
  kPan = 0.5 + 0.4 * sin(2 * $M_PI * timeinsts() * 0.5)
#ifdef STEREO_OUT
  aL, aR pan2 aSig, kPan
  outs aL, aR
#else
  outs aSig, aSig
#end
endin

</CsInstruments>
<CsScore>
; score macros: pitch names and a shared timing group
#define C #8.00#
#define E #8.04#
#define G #8.07#
#define SHORT #0.7#
;               pitch detune-cents
i 1 0    $SHORT. $C.  5
i 1 0.75 $SHORT. $E.  10
i 1 1.5  $SHORT. $G.  15
i 1 2.25 1.5     $C.  25
i 1 2.25 1.5     $G.  25
e
</CsScore>
</CsoundSynthesizer>
