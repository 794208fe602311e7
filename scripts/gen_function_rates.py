#!/usr/bin/env python3
"""Generate ``csound_lsp/data/function_rates.json``: the rate Csound 6.18 gives a function call.

Where an opcode has overloads of several rates, Csound types a call `f(args)` by the first
overload, in its own registration order, whose inputs take the arguments; the assignment around
it plays no part (`ix = abs(iv)` is i-rate, `ix = mtof(iv)` is k-rate and rejected, `ix =
exprand(kv)` is i-rate). That order is not in the opcode listing, so this script asks Csound:
for every opcode of the catalog with an i- or k-rate result, it compiles `ix = f(args)` with
init-time arguments and again with control-rate ones (strings where the overload takes strings)
and records what Csound made of the call: `i` (accepted), `k` or `a` ("Found: i = k").
A call Csound cannot match at all is left out.

Usage: python scripts/gen_function_rates.py [--output PATH] [--jobs N]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from csound_lsp.catalog import default_catalog  # noqa: E402
from csound_lsp.catalog.types import parse_types  # noqa: E402

DEFAULT_OUTPUT = ROOT / "csound_lsp" / "data" / "function_rates.json"
_FOUND = re.compile(r"Found:\s*i\s*=\s*(\w)")
#: Input letters a probe can give: init-time or control-rate numbers, and strings.
_NUMERIC = frozenset("ikxTUc")


def probes() -> list[tuple[str, tuple[str, ...]]]:
    """(opcode, argument kinds) pairs to ask Csound about: kinds are i, k or S."""
    found: set[tuple[str, tuple[str, ...]]] = set()
    for opcode in default_catalog():
        if not opcode.name.isidentifier() or opcode.name in ("i", "k", "a"):
            continue
        if not any(o.outputs in ("i", "k") for o in opcode.overloads):
            continue
        for overload in opcode.overloads:
            if overload.outputs not in ("i", "k", "a"):
                continue
            try:
                params = parse_types(overload.inputs, "in")
            except Exception:  # a type string we cannot read: nothing to ask
                continue
            mandatory = [p for p in params if not p.optional and not p.variadic]
            if any(p.array_dims or (p.letter not in _NUMERIC and p.letter != "S") for p in mandatory):
                continue
            for numeric in ("i", "k"):
                kinds = tuple("S" if p.letter == "S" else numeric for p in mandatory)
                found.add((opcode.name, kinds))
    return sorted(found)


def ask(probe: tuple[str, tuple[str, ...]]) -> tuple[str, str | None]:
    name, kinds = probe
    values = {"i": "iv", "k": "kv", "S": '"a"'}
    call = f"{name}({', '.join(values[k] for k in kinds)})"
    orchestra = f"instr 1\niv = 1\nkv = 1\nix = {call}\nendin\n"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "probe.orc"
        path.write_text(orchestra)
        proc = subprocess.run(
            ["csound", "--syntax-check-only", "--orc", str(path)],
            capture_output=True,
            text=True,
            errors="replace",
            timeout=30,
            check=False,
        )
    key = f"{name}({','.join(kinds)})"
    if proc.returncode == 0:
        return key, "i"
    found = _FOUND.search(proc.stdout + proc.stderr)
    return key, found.group(1) if found else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    version = subprocess.run(["csound", "--version"], capture_output=True, text=True, check=False)
    match = re.search(r"Csound version (\S+)", version.stdout + version.stderr)
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        answers = dict(a for a in pool.map(ask, probes()) if a[1] is not None)
    data = {
        "format": 1,
        "csound_version": match.group(1) if match else None,
        "generator": "scripts/gen_function_rates.py (ix = f(args) compiled by Csound)",
        "about": "The rate Csound gives f(args) for argument kinds i (init-time), k (control), S (string).",
        "rates": dict(sorted(answers.items())),
    }
    args.output.write_text(json.dumps(data, indent=1) + "\n")
    print(f"{len(answers)} calls written to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
