<CsoundSynthesizer>
; ambisonic-rotation.csd
; First-order ambisonics: two sources are encoded into B-format (W, X, Y, Z)
; with bformenc1 at different azimuths, summed, and the whole sound field is
; rotated by rotating the X/Y components. bformdec1 with setup 1 decodes the
; field to stereo.
; Shows: bformenc1 / bformdec1, mixing in the B-format domain, rotation
; matrix on X and Y, degrees to radians.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

instr 1
  aBell = oscili(0.3, 880) * (oscili(0.5, 3) + 0.5)       ; pulsing tone
  aBass = vco2(0.25, 110, 12)                               ; steady triangle
  ; encode: azimuth in degrees (anticlockwise), elevation 0
  aW1, aX1, aY1, aZ1 bformenc1 aBell, 90, 0                 ; hard left
  aW2, aX2, aY2, aZ2 bformenc1 aBass, -90, 0                ; hard right
  aW = aW1 + aW2
  aX = aX1 + aX2
  aY = aY1 + aY2
  aZ = aZ1 + aZ2
  ; rotate the whole field around the vertical axis
  kRot  line 0, p3, 360
  kRad  = kRot * $M_PI / 180
  aXr   = aX * cos(kRad) - aY * sin(kRad)
  aYr   = aX * sin(kRad) + aY * cos(kRad)
  aL, aR bformdec1 1, aW, aXr, aYr, aZ
  aEnv  linseg 0, 0.05, 1, p3 - 0.1, 1, 0.05, 0
  outs aL * aEnv, aR * aEnv
endin

</CsInstruments>
<CsScore>
i 1 0 4
e
</CsScore>
</CsoundSynthesizer>
