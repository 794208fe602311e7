"""``python -m csound_lsp.csound.run_csound --engine CHOICE -- ARGS...``: ``csound``, through a library.

A pip-only install has Csound 7's library (bundled with cycsound) but no ``csound`` program, so
`render` runs this module in a child process instead: it loads the one library the engine choice names
(`discovery`, like the compile worker), passes ARGS to ``csoundCompile`` exactly as the csound command
would, and performs to the end of the score. Csound's messages go to stderr as usual. Exit status:
Csound's own (0 when the performance ended normally), 3 when no library could be loaded.
"""

from __future__ import annotations

import argparse
import ctypes
import sys

from csound_lsp.csound.discovery import Candidate, candidates, engine_from_env
from csound_lsp.csound.engine import CsoundUnavailableError, LibraryNotOpenedError, open_library
from csound_lsp.csound.lifetime import die_with_parent


def _library(choice: str) -> tuple[object, Candidate]:
    """The first candidate that opens (a file that does not open loaded nothing: the next is tried)."""
    reasons: list[str] = []
    for candidate in candidates(choice):
        if candidate.library is None:  # Csound 6 through ctcsound: its library, by name
            import ctypes.util

            name = ctypes.util.find_library("csound64")
            if name is None:
                continue
            candidate = Candidate(6, candidate.origin, name, candidate.why)
        try:
            return open_library(candidate), candidate
        except LibraryNotOpenedError as exc:
            reasons.append(str(exc))
    detail = f" ({'; '.join(reasons)})" if reasons else ""
    raise CsoundUnavailableError(f"no Csound library found for csound.engine = {choice}{detail}")


def perform(lib: object, arguments: list[str]) -> int:
    """Compile the command line and perform it all; Csound's return code."""
    cs = ctypes.c_void_p
    csound_lib: ctypes.CDLL = lib  # type: ignore[assignment]
    csound_lib.csoundGetVersion.restype = ctypes.c_int
    seven = csound_lib.csoundGetVersion() >= 7000
    csound_lib.csoundInitialize(1 | 2)  # no signal handlers, no atexit hook
    csound_lib.csoundCreate.restype = cs
    csound_lib.csoundCreate.argtypes = [ctypes.c_void_p, ctypes.c_char_p] if seven else [ctypes.c_void_p]
    csound_lib.csoundCompile.argtypes = [cs, ctypes.c_int, ctypes.POINTER(ctypes.c_char_p)]
    csound_lib.csoundStart.argtypes = [cs]
    csound_lib.csoundPerformKsmps.argtypes = [cs]
    csound_lib.csoundDestroy.argtypes = [cs]
    csound = csound_lib.csoundCreate(None, None) if seven else csound_lib.csoundCreate(None)
    if not csound:
        print("csoundCreate failed", file=sys.stderr)
        return 1
    argv = ["csound", *arguments]
    array = (ctypes.c_char_p * len(argv))(*(arg.encode() for arg in argv))
    try:
        code = int(csound_lib.csoundCompile(csound, len(argv), array))
        if code != 0:
            return code if code > 0 else 1
        # Csound 6's csoundCompile also starts the performance; 7's leaves that to csoundStart.
        if seven and int(csound_lib.csoundStart(csound)) != 0:
            return 1
        while csound_lib.csoundPerformKsmps(csound) == 0:
            pass
        return 0
    finally:
        csound_lib.csoundDestroy(csound)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="csound_lsp.csound.run_csound")
    parser.add_argument("--engine", default=None)
    parser.add_argument("arguments", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    arguments = args.arguments[1:] if args.arguments[:1] == ["--"] else args.arguments
    die_with_parent()
    try:
        lib, candidate = _library(args.engine or engine_from_env())
    except (CsoundUnavailableError, ValueError) as exc:
        print(f"csound-lsp: {exc}", file=sys.stderr)
        return 3
    print(f"csound-lsp: rendering with {candidate.describe()}", file=sys.stderr, flush=True)
    return perform(lib, arguments)


if __name__ == "__main__":
    raise SystemExit(main())
