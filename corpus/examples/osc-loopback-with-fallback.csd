<CsoundSynthesizer>
; osc-loopback-with-fallback.csd
; Open Sound Control inside one Csound instance: a sender instrument sends
; note numbers to 127.0.0.1 on a local port, and a listener instrument
; receives them with OSClisten and starts notes. Networking can fail in two
; ways: the port may already be taken (OSCinit then raises an init error,
; which only stops the Listener because OSCinit is called inside it), or the
; messages may arrive "late" because an offline render runs much faster than
; real time. A separate watchdog checks a global message counter and, if
; nothing arrived within one second of score time, plays a fallback phrase,
; so the piece always makes sound.
; Shows: OSCinit inside an instrument, OSCsend triggered by a changing
; counter, OSClisten in a kgoto loop to drain the queue, a watchdog fallback.
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

giPort  = 47120
gkGot   init 0                   ; OSC messages received so far
gkFellBack init 0                ; 1 once the fallback has started

instr Listener
  iHandle OSCinit giPort         ; an init error here only disables this note
  kNote   init 0
nextMessage:
  kNew OSClisten iHandle, "/note", "f", kNote
  if kNew == 1 then
    if gkFellBack == 0 then      ; do not double up with the fallback
      event "i", "Tone", 0, 0.3, kNote
    endif
    gkGot += 1
    kgoto nextMessage            ; there may be more than one waiting
  endif
endin

instr Sender
  kTick  metro 4
  kCount init 0
  kCount += kTick                ; OSCsend sends whenever its first input changes
  kNote  = 60 + (kCount * 7) % 24  ; move by fifths
  OSCsend kCount, "127.0.0.1", giPort, "/note", "f", kNote
endin

instr Watchdog
  if timeinsts() > 1 && gkGot == 0 && gkFellBack == 0 then
    printks "no OSC received, playing fallback\n", 0
    event "i", "Fallback", 0, 3
    gkFellBack = 1
  endif
endin

instr Fallback
  kTick metro 4
  kIdx  init 0
  if kTick == 1 then
    event "i", "Tone", 0, 0.3, 60 + (kIdx * 7) % 24
    kIdx += 1
  endif
endin

instr Tone
  aEnv expsega 1, p3, 0.01
  aSig = vco2(0.3, mtof:i(p4), 12) * aEnv
  outs aSig, aSig
endin

</CsInstruments>
<CsScore>
i "Listener" 0   4
i "Watchdog" 0   4
i "Sender"   0.1 3.5
e 4.4
</CsScore>
</CsoundSynthesizer>
