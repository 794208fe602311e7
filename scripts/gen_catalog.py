#!/usr/bin/env python3
"""Generate ``csound_lsp/data/opcodes.json`` (Csound 6) or ``opcodes7.json`` (Csound 7) from a real Csound.

The listing comes from Csound's own API (``csoundNewOpcodeList`` through ctcsound), run in a
child process (``python -m csound_lsp.catalog.installed``) so a misbehaving plugin cannot take
this script down with it. Every overload Csound reports is kept with its output and input
type strings and OENTRY flags; an overload is marked deprecated when flag 0x8000 (``_QQ``)
is set, the same entries ``csound -z1`` hides.

Internal entries are dropped or folded: ``oscil.kk``-style names become overloads of
``oscil``; ``##``-prefixed helpers and operator entries (``=``, ``&&``...) are left out,
because nobody types them as opcodes. Exact duplicate overloads are merged (their flags
OR-ed). Output is sorted by opcode name, then by (outputs, inputs), one overload per line,
so regenerating on the same Csound gives a byte-identical file.

``--engine 7`` lists the Csound 7 library the worker would load for engine 7 (cycsound's bundled one
when there is no system Csound 7) and writes ``opcodes7.json`` unless ``--output`` says otherwise.

Usage: python scripts/gen_catalog.py [--engine 6|7|PATH] [--output PATH] [--check]
  --check  exit 1 if the file on disk differs from what would be written (for CI).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from csound_lsp.catalog.installed import (  # noqa: E402
    DEPRECATED_FLAG,
    RawEntry,
    normalise_name,
    query_installed,
)

DEFAULT_OUTPUT = ROOT / "csound_lsp" / "data" / "opcodes.json"
OUTPUTS = {"6": DEFAULT_OUTPUT, "7": ROOT / "csound_lsp" / "data" / "opcodes7.json"}
FORMAT_VERSION = 1


def build(entries: tuple[RawEntry, ...]) -> dict[str, list[tuple[str, str, int]]]:
    """Group raw entries by user-facing name; merge duplicates; sort everything."""
    grouped: dict[str, dict[tuple[str, str], int]] = {}
    for entry in entries:
        name = normalise_name(entry.name)
        if name is None:
            continue
        overloads = grouped.setdefault(name, {})
        key = (entry.outputs, entry.inputs)
        overloads[key] = overloads.get(key, 0) | entry.flags
    return {
        name: [(out, inp, flags) for (out, inp), flags in sorted(overloads.items())]
        for name, overloads in sorted(grouped.items())
    }


def render(version: str, opcodes: dict[str, list[tuple[str, str, int]]]) -> str:
    """Hand-laid JSON: stable key order, one overload per line, for readable diffs."""
    dump = json.dumps
    lines = [
        "{",
        f'  "format": {FORMAT_VERSION},',
        f'  "csound_version": {dump(version)},',
        f'  "generator": {dump("scripts/gen_catalog.py (csoundNewOpcodeList)")},',
        f'  "deprecated_flag": {DEPRECATED_FLAG},',
        f'  "opcode_count": {len(opcodes)},',
        f'  "overload_count": {sum(len(v) for v in opcodes.values())},',
        '  "opcodes": {',
    ]
    names = list(opcodes)
    for n, name in enumerate(names):
        lines.append(f"    {dump(name)}: [")
        overloads = opcodes[name]
        for i, (out, inp, flags) in enumerate(overloads):
            deprecated = "true" if flags & DEPRECATED_FLAG else "false"
            comma = "," if i < len(overloads) - 1 else ""
            lines.append(
                f'      {{"out": {dump(out)}, "in": {dump(inp)}, "flags": {flags}, '
                f'"deprecated": {deprecated}}}{comma}'
            )
        lines.append("    ]" + ("," if n < len(names) - 1 else ""))
    lines += ["  }", "}", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--engine", default="6", help="6 (the default), 7, or a libcsound path")
    parser.add_argument("--output", type=Path, default=None)
    parser.add_argument("--check", action="store_true", help="only compare with the file on disk")
    args = parser.parse_args(argv)
    args.output = args.output or OUTPUTS.get(args.engine, DEFAULT_OUTPUT)

    found = query_installed(timeout=120, engine=args.engine)
    if found.error or not found.entries or not found.csound_version:
        print(f"gen_catalog: {found.error or 'Csound reported no opcodes'}", file=sys.stderr)
        return 2
    opcodes = build(found.entries)
    text = render(found.csound_version, opcodes)
    json.loads(text)  # never write a file we cannot read back

    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"gen_catalog: {args.output} is out of date", file=sys.stderr)
            return 1
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    deprecated = sum(1 for v in opcodes.values() for o in v if o[2] & DEPRECATED_FLAG)
    print(
        f"wrote {args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output}: "
        f"Csound {found.csound_version}, {len(opcodes)} opcodes, "
        f"{sum(len(v) for v in opcodes.values())} overloads ({deprecated} deprecated)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
