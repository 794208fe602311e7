<CsoundSynthesizer>
; string-handling.csd
; Strings in Csound: building text with sprintf and strcat, measuring and
; slicing with strlen/strsub/strindex, case changes, converting text to
; numbers with strtod, and using a string as an instrument name (nstrnum
; gives its number). A tiny "note language" string such as "c4 e4 g4" is
; parsed at init time and scheduled.
; Shows: S variables, sprintf, strcat, strlen, strsub, strindex, strupper,
; strtod, strcmp, nstrnum, schedule with a string-valued instrument name.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

; turn a note name like "e4" into a MIDI number
opcode NameToMidi, i, S
  SName xin
  SLetter  strsub SName, 0, 1
  iOctave  strtod strsub(SName, 1)
  ; in this string each letter sits at the index of its semitone (c=0 ... b=11)
  iPos     strindex "c-d-ef-g-a-b", SLetter
  xout 12 * (iOctave + 1) + iPos
endop

instr Parser
  SMelody = "c4 e4 g4 b4 a4 f4 d4 c5"
  iLen    strlen SMelody
  prints "parsing '%s' (%d characters)\n", SMelody, iLen
  iStart  = 0
  iCount  = 0
  SInstr  = "Voice"
  while iStart < iLen do
    ; find the next space, or take the rest of the string
    SRest   strsub SMelody, iStart
    iSpace  strindex SRest, " "
    iEnd    = iSpace < 0 ? iLen : iStart + iSpace
    SToken  strsub SMelody, iStart, iEnd
    iNote   NameToMidi SToken
    SLabel  sprintf "%s -> midi %d", strupper(SToken), iNote
    puts SLabel, 1
    schedule SInstr, iCount * 0.4, 0.45, iNote
    iCount += 1
    iStart  = iEnd + 1
  od
  SSummary strcat "scheduled notes for instr ", SInstr
  prints "%s (number %d)\n", SSummary, nstrnum(SInstr)
  if strcmp(SInstr, "Voice") == 0 then
    prints "names match\n"
  endif
endin

instr Voice
  kEnv linseg 0, 0.02, 1, p3 - 0.07, 0.5, 0.05, 0
  aSig = vco2(0.25 * kEnv, mtof:i(p4), 12)
  outs aSig, aSig
endin

</CsInstruments>
<CsScore>
i "Parser" 0 0.01
e 3.6
</CsScore>
</CsoundSynthesizer>
