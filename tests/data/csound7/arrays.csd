<CsoundSynthesizer>
<CsOptions>
-n -d
</CsOptions>
<CsInstruments>
sr = 44100
ksmps = 32
nchnls = 1
0dbfs = 1

instr 1
  ramp:i[] = [1 ... 8]
  halves:i[] = [0 ... 1, 0.5]
  middle:i[] = ramp[2:5]
  words:S = R{a "raw" string}R
  prints "%s\n", words
  nested:S = {{ outer {{ inner }} more }}
  prints nested
  print middle[0], halves[1]
endin
</CsInstruments>
<CsScore>
i1 0 0.1
</CsScore>
</CsoundSynthesizer>
