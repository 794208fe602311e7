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
  notes:i[] = [60, 64, 67]
  for note in notes do
    print note
  od
  for place, step:i in notes do
    print place, step
  od
  switch p4
    case 1, 2
      prints "low\n"
    case 3
      prints "three\n"
    default
      prints "other\n"
  endsw
  count:k = 0
  while count < 10 do
    count += 1
    if count < 3 then
      continue
    endif
    if count > 6 then
      break
    endif
  od
  flag:k = true
  if flag == false then
    printks "never\n", 0
  endif
endin
</CsInstruments>
<CsScore>
i1 0 0.1 1
</CsScore>
</CsoundSynthesizer>
