"""One long instrument of our own generated Csound, for the long-item benchmark and tests.

The statements vary the way a big hand-written or generated instrument does: oscillators and
filters, envelopes, if/then/elseif blocks, while loops, labels and jumps, arrays, calls of the UDOs
defined above it, many local variables (new names every block) and a few names reused throughout.
"""

from __future__ import annotations

import random

HEADER = """sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1
giSine ftgen 0, 0, 16384, 10, 1
giSaw ftgen 0, 0, 16384, 7, 1, 16384, -1
gaSend init 0

opcode Soften, a, ak
  aIn, kAmount xin
  aOut tone aIn, 2000 + kAmount * 6000
  xout aOut
endop

opcode Spread, aa, ai
  aIn, iWidth xin
  aL, aR pan2 aIn, 0.5 + iWidth * 0.25
  xout aL, aR
endop

"""

FOOTER = """  outs aMixL, aMixR
  gaSend += (aMixL + aMixR) * 0.1
endin

instr 99
  aRevL, aRevR reverbsc gaSend, gaSend, 0.8, 9000
  outs aRevL, aRevR
  clear gaSend
endin

"""


def _block(index: int, rng: random.Random) -> list[str]:
    """About 24 lines; fresh local names per block (suffix `index`), a few shared ones reused."""
    n = index
    kinds = rng.sample(range(6), 3)
    lines = [f"  ; block {n}"]
    lines += [
        f"  iFreq{n} = p4 * {rng.randint(1, 8)} / {rng.randint(1, 4)}",
        f"  kEnv{n} madsr 0.0{rng.randint(1, 9)}, 0.{rng.randint(1, 9)}, 0.{rng.randint(1, 9)}, 0.3",
        f"  aOsc{n} vco2 0.2 * kEnv{n}, iFreq{n}",
        f"  aSub{n} poscil 0.1 * kEnv{n}, iFreq{n} / 2, giSine",
    ]
    for kind in kinds:
        if kind == 0:
            lines += [
                f"  kCut{n} expseg {rng.randint(2000, 9000)}, p3, {rng.randint(100, 900)}",
                f"  aFilt{n} moogladder aOsc{n} + aSub{n}, kCut{n}, 0.{rng.randint(1, 8)}",
            ]
        elif kind == 1:
            lines += [
                f"  aFilt{n} butterlp aOsc{n} + aSub{n}, {rng.randint(300, 5000)}",
                f"  aFilt{n} Soften aFilt{n}, kEnv{n}",
            ]
        elif kind == 2:
            lines += [
                f"  if iFreq{n} > {rng.randint(200, 2000)} then",
                f"    aOsc{n} = aOsc{n} * 0.5",
                f"  elseif iFreq{n} < {rng.randint(50, 150)} then",
                f"    aOsc{n} = aOsc{n} * 1.5",
                "  else",
                "    kGain = kGain * 0.99",
                "  endif",
            ]
        elif kind == 3:
            lines += [
                f"  kIdx{n} = 0",
                f"  while kIdx{n} < 4 do",
                f"    kArr[kIdx{n}] = kArr[kIdx{n}] + kEnv{n} * 0.25",
                f"    kIdx{n} += 1",
                "  od",
            ]
        elif kind == 4:
            lines += [
                f"  kTrig{n} metro {rng.randint(1, 8)}",
                f"  if kTrig{n} == 1 kgoto skip{n}",
                f"  kLevel{n} rms aOsc{n}",
                f"  kGain = kGain * 0.5 + kLevel{n} * 0.5",
                f"skip{n}:",
            ]
        else:
            lines += [
                f"  kLfo{n} lfo 0.{rng.randint(1, 9)}, {rng.randint(1, 7)}",
                f"  aDel{n} vdelay aOsc{n}, 20 + kLfo{n} * 10, 100",
                f"  aOsc{n} = aOsc{n} + aDel{n} * 0.3",
            ]
    if "aFilt" not in "\n".join(lines):
        lines.append(f"  aFilt{n} = aOsc{n} + aSub{n}")
    lines += [
        f"  aL{n}, aR{n} Spread aFilt{n}, i(kGain)",
        f"  aMixL = aMixL + aL{n} * kGain",
        f"  aMixR = aMixR + aR{n} * kGain",
        f'  chnset kEnv{n}, "env{n}"',
        f'  printks "block {n}: %f\\n", 1, kEnv{n}',
    ]
    return lines


def long_instrument(lines: int, seed: int = 1) -> str:
    """An orchestra with one instrument of about `lines` lines (header and score around it)."""
    rng = random.Random(seed)
    body = [
        "instr 1",
        "  kGain init 1",
        "  kArr[] init 4",
        "  aMixL = 0",
        "  aMixR = 0",
    ]
    index = 1
    while len(body) < lines:
        body += _block(index, rng)
        index += 1
    return HEADER + "\n".join(body) + "\n" + FOOTER


def as_csd(orchestra: str, score_lines: int = 10) -> str:
    score = "\n".join(f"i 1 {i} 1 {220 + i} 0" for i in range(score_lines))
    return (
        "<CsoundSynthesizer>\n<CsOptions>\n-odac\n</CsOptions>\n<CsInstruments>\n"
        + orchestra
        + "</CsInstruments>\n<CsScore>\ni 99 0 100\n"
        + score
        + "\n</CsScore>\n</CsoundSynthesizer>\n"
    )
