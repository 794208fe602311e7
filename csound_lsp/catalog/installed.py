"""Ask a real Csound which opcodes it has.

Two entry points share one listing routine:

* ``list_in_process(engine)`` loads libcsound (the one the csound.engine choice names: ctcsound for
  a system Csound 6, ctypes on the library file for Csound 7) in *this* process. Only
  ``scripts/gen_catalog.py`` and the worker child below call it: loading Csound
  also loads every plugin library on the user's machine, and a broken plugin can
  take the whole process down, so the language server never does this itself.
* ``query_installed(timeout)`` runs ``python -m csound_lsp.catalog.installed`` as a
  child process and reads its JSON answer. It never raises: when ctcsound or
  libcsound is missing, the child crashes, or it takes too long, the result carries
  an ``error`` string and no entries, and the caller decides how to tell the user.

Facts recorded per overload are exactly what ``csoundNewOpcodeList`` reports:
name, output type string, input type string and the OENTRY flags. Csound marks a
deprecated entry with flag ``0x8000`` (``_QQ`` in Csound 6.18's
``include/interlocks.h``); ``csound -z1`` leaves those entries out of its listing,
which is how the flag was confirmed (2500 entries from the API, 2393 from -z1).
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from csound_lsp import environment

if TYPE_CHECKING:
    from csound_lsp.csound.discovery import Candidate

DEPRECATED_FLAG = 0x8000
"""OENTRY flag bit Csound 6 uses for deprecated opcodes (``_QQ``)."""

_MARKER = "CSOUND_LSP_OPCODES "


@dataclass(frozen=True, slots=True)
class RawEntry:
    """One opcode-list entry as Csound reports it (name already without ``.suffix``)."""

    name: str
    outputs: str
    inputs: str
    flags: int


@dataclass(frozen=True, slots=True)
class InstalledOpcodes:
    """What a Csound installation reported; ``error`` is set (and entries empty) on failure."""

    entries: tuple[RawEntry, ...]
    csound_version: str | None
    error: str | None = None


def format_version(number: int) -> str:
    """Turn ``csoundGetVersion()``'s integer (6181) into ``"6.18.1"``."""
    major, rest = divmod(number, 1000)
    minor, patch = divmod(rest, 10)
    return f"{major}.{minor}.{patch}"


def normalise_name(raw: str) -> str | None:
    """Map an internal OENTRY name onto the name users write, or None for internal-only ops.

    Csound spells polymorphic variants ``oscil.kk`` and internal helpers ``##add.ii``;
    ``csoundNewOpcodeList`` already strips the suffix, but the generator must not depend
    on that, so both rules are applied here again.
    """
    if not raw or raw.startswith("#") or raw.startswith("$"):
        return None
    base = raw.split(".", 1)[0]
    if not base or not (base[0].isalpha() or base[0] == "_"):
        return None  # operators such as "=", ">", "&&" are syntax, not opcodes
    return base


class _OpcodeListEntry(ctypes.Structure):
    """``opcodeListEntry`` from csound.h (the same four fields in Csound 6 and 7)."""

    _fields_ = [
        ("opname", ctypes.c_char_p),
        ("outypes", ctypes.c_char_p),
        ("intypes", ctypes.c_char_p),
        ("flags", ctypes.c_int),
    ]


def list_in_process(engine: str = "auto") -> InstalledOpcodes:
    """Load the libcsound `engine` names here and list its opcodes (ImportError if there is none).

    Csound 6 through ctcsound goes the way it always did; a library file (Csound 7, bundled or not)
    through ctypes, so the listing comes from the very library the compile worker would load.
    """
    from csound_lsp.csound.discovery import candidates

    found = candidates(engine)
    if not found:
        raise ImportError(f"no Csound library for csound.engine = {engine}")
    if found[0].library is not None:
        return _list_library(found[0])
    return _list_ctcsound()


def _list_library(candidate: Candidate) -> InstalledOpcodes:
    from csound_lsp.csound.engine import open_library

    lib = open_library(candidate)
    version = int(lib.csoundGetVersion())
    seven = version >= 7000
    lib.csoundInitialize(1 | 2)
    lib.csoundCreate.restype = ctypes.c_void_p
    lib.csoundCreate.argtypes = [ctypes.c_void_p, ctypes.c_char_p] if seven else [ctypes.c_void_p]
    lib.csoundSetOption.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    lib.csoundCreateMessageBuffer.argtypes = [ctypes.c_void_p, ctypes.c_int]
    entry_p = ctypes.POINTER(_OpcodeListEntry)
    lib.csoundNewOpcodeList.argtypes = [ctypes.c_void_p, ctypes.POINTER(entry_p)]
    lib.csoundDisposeOpcodeList.argtypes = [ctypes.c_void_p, entry_p]
    cs = lib.csoundCreate(None, None) if seven else lib.csoundCreate(None)
    lib.csoundCreateMessageBuffer(cs, 0)
    for option in (b"-n", b"-m0"):
        lib.csoundSetOption(cs, option)
    # Csound 7 loads its plugin opcodes with the first compile (1229 entries before, 2551 after).
    if seven:
        lib.csoundCompileOrc.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
        lib.csoundCompileOrc(cs, b"instr 1\nendin\n", 0)
    else:
        lib.csoundCompileOrc.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        lib.csoundCompileOrc(cs, b"instr 1\nendin\n")
    listing = entry_p()
    count = int(lib.csoundNewOpcodeList(cs, ctypes.byref(listing)))
    entries: list[RawEntry] = []
    for index in range(max(count, 0)):
        item = listing[index]
        name = normalise_name(_text(item.opname))
        if name is not None:
            entries.append(RawEntry(name, _text(item.outypes), _text(item.intypes), int(item.flags)))
    if count > 0:
        lib.csoundDisposeOpcodeList(cs, listing)
    return InstalledOpcodes(tuple(entries), format_version(version))


def _list_ctcsound() -> InstalledOpcodes:
    import ctcsound  # type: ignore[import-not-found,import-untyped,unused-ignore]

    # Csound's own signal handlers loop forever on SIGPIPE ("Csound ignoring SIGPIPE") when the
    # reader of our output has gone: leave signals to Python.
    ctcsound.csoundInitialize(ctcsound.CSOUNDINIT_NO_SIGNAL_HANDLER | ctcsound.CSOUNDINIT_NO_ATEXIT)
    cs = ctcsound.Csound()
    try:
        cs.createMessageBuffer(0)  # keep Csound's chatter off our stdout/stderr
        cs.setOption("-n")  # no audio output of any kind
        cs.setOption("-m0")
        opcodes, count = cs.newOpcodeList()
        entries: list[RawEntry] = []
        if count > 0 and opcodes is not None:
            for item in opcodes:
                name = normalise_name(_text(item.opname))
                if name is None:
                    continue
                entries.append(RawEntry(name, _text(item.outypes), _text(item.intypes), int(item.flags)))
            cs.disposeOpcodeList(opcodes)
        version = format_version(int(cs.version()))
    finally:
        with contextlib.suppress(Exception):  # best-effort cleanup
            cs.destroyMessageBuffer()
    return InstalledOpcodes(tuple(entries), version)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def query_installed(
    timeout: float = 60.0, python: str | None = None, engine: str | None = None
) -> InstalledOpcodes:
    """List the user's Csound opcodes from a child process; never raises.

    Blocking (it waits for the child), so callers run it in a thread or executor. `engine` is the
    csound.engine choice (None: CSOUND_LSP_ENGINE, else auto).
    """
    command = [python or sys.executable, "-m", "csound_lsp.catalog.installed"]
    if engine is not None:
        command += ["--engine", engine]
    env = environment.for_child()
    env.setdefault("PYTHONIOENCODING", "utf-8")
    # make this very copy of csound_lsp importable in the child, installed or not
    package_root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH", "")) if p)
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return InstalledOpcodes((), None, f"Csound did not list its opcodes within {timeout:g} s")
    except OSError as exc:
        return InstalledOpcodes((), None, f"could not start the Csound query: {exc}")
    for line in reversed(done.stdout.splitlines()):
        if line.startswith(_MARKER):
            return _decode(line[len(_MARKER) :])
    detail = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
    return InstalledOpcodes((), None, f"Csound query failed: {detail}")


def _decode(payload: str) -> InstalledOpcodes:
    try:
        data = json.loads(payload)
        if data.get("error"):
            return InstalledOpcodes((), None, str(data["error"]))
        entries = tuple(RawEntry(str(n), str(o), str(i), int(f)) for n, o, i, f in data["entries"])
        version = data.get("csound_version")
        return InstalledOpcodes(entries, str(version) if version else None)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        return InstalledOpcodes((), None, f"unreadable answer from the Csound query: {exc}")


def _main() -> int:
    """Child-process entry: print one marked JSON line with the listing or the error."""
    from csound_lsp.csound.discovery import engine_from_env
    from csound_lsp.csound.lifetime import die_with_parent

    parser = argparse.ArgumentParser(prog="csound_lsp.catalog.installed")
    parser.add_argument("--engine", default=None)
    args = parser.parse_args()
    die_with_parent()
    signal.alarm(120)  # a Csound that hangs while listing must not linger
    try:
        found = list_in_process(args.engine or engine_from_env())
        payload: dict[str, object] = {
            "csound_version": found.csound_version,
            "entries": [[e.name, e.outputs, e.inputs, e.flags] for e in found.entries],
        }
    except ImportError as exc:
        payload = {"error": f"Csound not found (ctcsound/libcsound could not be loaded: {exc})"}
    except Exception as exc:  # any failure inside Csound is reported, not raised
        payload = {"error": f"Csound could not list its opcodes: {exc}"}
    sys.stdout.write(_MARKER + json.dumps(payload, separators=(",", ":")) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
