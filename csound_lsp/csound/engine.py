"""A small compile-only interface over the Csound API, with one implementation per Csound major version.

Only the worker process (`worker_main`) ever loads these: libcsound prints straight to fd 1/2, can crash,
hang or leak, so the language server never calls it in its own process. Each `compile` uses a fresh Csound
instance (`csoundReset` costs as much as create/destroy and keeps more state), collects Csound's messages
through its message buffer and never starts performance: no `csoundStart`, no `perform`, no `evalCode`.
In Csound 6.18 global (instr 0) init code only runs at `csoundStart`, so a compile cannot run it
(``tests/test_csound_worker.py`` proves this with `fprints`/`system_i` at the top of an orchestra).

Selection (`load_engine(choice)`): `discovery` lists the libraries the choice allows (``auto``: a system
Csound, else the Csound 7 bundled in the cycsound wheel); Csound 7 goes through its documented C API
(``csoundCompileCSD(csound, text, 1)``, no libcsnd) with ctypes, Csound 6 through ``ctcsound``.
``CSOUND_LSP_NO_CSOUND=1`` simulates a machine without Csound.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from csound_lsp import environment
from csound_lsp.csound.discovery import Candidate, candidates

__all__ = [
    "BASE_FLAGS",
    "DISABLE_ENV",
    "INSTALL_HINT",
    "SCORE_WRAPPER_LINES",
    "CompileOptions",
    "CompileResult",
    "Csound6Engine",
    "Csound7Engine",
    "CsoundEngine",
    "CsoundUnavailableError",
    "LibraryNotOpenedError",
    "MessageChunk",
    "load_engine",
    "open_library",
    "select_engine",
    "wrap_score",
]

SourceKind = Literal["csd", "orc", "sco"]

#: Set to 1 to make every engine load fail, as on a machine without Csound.
DISABLE_ENV = environment.NO_CSOUND
INSTALL_HINT = "Csound library not found: install csound and libcsnd-dev (Debian/Ubuntu) or csound (Homebrew)"

#: Compile-only flags: no sound file or device (-n), no displays, warnings on (-m4 = warnings only;
#: -m0 would hide compile warnings such as "redefined opcode"), CSD-relative line numbers (the 6.18
#: default, made explicit), no ANSI colour codes in messages.
BASE_FLAGS: tuple[str, ...] = ("-n", "-d", "--nodisplays", "-m4", "--csd-line-nums=1", "-+msg_color=0")

#: Csound message attribute bits (csound.h): the type is in the 0x7000 mask.
MSG_ERROR = 0x1000
MSG_WARNING = 0x4000
MSG_TYPE_MASK = 0x7000

#: Csound refuses an empty orchestra ("Parsing failed due to no input!"), hence the one empty instr.
_SCORE_HEAD = "<CsoundSynthesizer>\n<CsInstruments>\ninstr 1\nendin\n</CsInstruments>\n<CsScore>\n"
_SCORE_TAIL = "\n</CsScore>\n</CsoundSynthesizer>\n"
#: How many lines `wrap_score` puts before the user's score.
SCORE_WRAPPER_LINES = _SCORE_HEAD.count("\n")


class CsoundUnavailableError(RuntimeError):
    """No usable Csound library on this machine (or `DISABLE_ENV` is set)."""


class LibraryNotOpenedError(CsoundUnavailableError):
    """The library file could not be opened at all, so nothing was loaded and another may be tried."""


@dataclass(frozen=True)
class MessageChunk:
    """One call of Csound's message function: its attribute bits and its text (often a line fragment)."""

    attr: int
    text: str


@dataclass(frozen=True)
class CompileOptions:
    """What to compile and where: `kind` picks the API call, `include_dirs` feed INCDIR."""

    kind: SourceKind = "csd"
    include_dirs: tuple[str, ...] = ()
    extra_flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class CompileResult:
    """Csound's verdict: `ok` is the API's return code == 0; `line_offset` counts wrapper lines added."""

    ok: bool
    return_code: int
    messages: tuple[MessageChunk, ...] = ()
    line_offset: int = 0
    engine: str = ""
    stdio: str = field(default="", compare=False)

    @property
    def text(self) -> str:
        """All messages joined, as Csound would have printed them."""
        return "".join(chunk.text for chunk in self.messages)


class CsoundEngine(Protocol):
    """A compile-only Csound: never starts performance, never runs init-time code."""

    name: str
    version: int
    #: What was loaded and why (None for a stand-in engine in tests).
    candidate: Candidate | None

    def compile(self, text: str, options: CompileOptions) -> CompileResult: ...


def wrap_score(score: str) -> str:
    """A minimal CSD around a score-only file; `SCORE_WRAPPER_LINES` lines come before the score."""
    return _SCORE_HEAD + score + _SCORE_TAIL


def _flags(options: CompileOptions) -> list[str]:
    flags = list(BASE_FLAGS)
    flags.extend(f"--env:INCDIR+={folder}" for folder in options.include_dirs if folder)
    flags.extend(options.extra_flags)
    return flags


def _preload_jack() -> None:
    """Debian's libcsound64 needs libjack's symbols global for some plugins; load it first if present."""
    with contextlib.suppress(OSError):
        ctypes.CDLL("libjack.so.0", mode=ctypes.RTLD_GLOBAL)


def _check_enabled() -> None:
    if environment.csound_disabled():
        raise CsoundUnavailableError(INSTALL_HINT)


# --- Csound 6 (ctcsound) --------------------------------------------------------------------------


class Csound6Engine:
    """Csound 6.x through the ``ctcsound`` module (it loads libcsound64 and libcsnd6 on import)."""

    name = "csound6"
    candidate: Candidate | None = None

    def __init__(self, module: Any) -> None:
        self._ct = module
        # No Csound signal handlers (they "tidy up" on SIGTERM and can deadlock) and no atexit hook.
        module.csoundInitialize(module.CSOUNDINIT_NO_SIGNAL_HANDLER | module.CSOUNDINIT_NO_ATEXIT)
        self.version = int(module.libcsound.csoundGetVersion())

    @classmethod
    def load(cls) -> Csound6Engine:
        _check_enabled()
        _preload_jack()
        try:
            import ctcsound  # type: ignore[import-untyped,unused-ignore]
        except (ImportError, OSError, SystemExit) as exc:  # ctcsound calls sys.exit on odd platforms
            raise CsoundUnavailableError(f"{INSTALL_HINT} ({exc})") from exc
        return cls(ctcsound)

    def compile(self, text: str, options: CompileOptions) -> CompileResult:
        csound = self._ct.Csound()
        csound.createMessageBuffer(0)
        try:
            for flag in _flags(options):
                csound.setOption(flag)
            offset = 0
            if options.kind == "orc":
                code = int(csound.compileOrc(text))
            else:
                if options.kind == "sco":
                    text, offset = wrap_score(text), SCORE_WRAPPER_LINES
                code = int(csound.compileCsdText(text))
            chunks: list[MessageChunk] = []
            while csound.messageCnt() > 0:
                chunks.append(MessageChunk(int(csound.firstMessageAttr()), str(csound.firstMessage())))
                csound.popFirstMessage()
        finally:
            csound.destroyMessageBuffer()
            del csound  # ctcsound's __del__ calls csoundDestroy
        return CompileResult(code == 0, code, tuple(chunks), offset, f"{self.name} {self.version}")


# --- Csound 7 (documented C API through ctypes) ---------------------------------------------------


class Csound7Engine:
    """Csound 7 through its documented C API, on one library file opened with ctypes.

    Csound 7 replaced ``csoundCompileCsdText`` with ``csoundCompileCSD(csound, csd, mode)`` (mode 1: the
    argument is CSD text) and gave ``csoundCompileOrc`` an ``async`` argument; there is no libcsnd. A
    Csound 6 library named by path (the ``csound.engine`` setting) goes through the same class with the
    6 calls, so a path never needs ctcsound.
    """

    name = "csound7"

    def __init__(self, lib: Any, candidate: Candidate | None = None) -> None:
        self._lib = lib
        self.candidate = candidate
        cs_p = ctypes.c_void_p
        lib.csoundGetVersion.restype = ctypes.c_int
        lib.csoundInitialize.argtypes = [ctypes.c_int]
        lib.csoundCreate.restype = cs_p
        lib.csoundCreate.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        lib.csoundDestroy.argtypes = [cs_p]
        lib.csoundSetOption.argtypes = [cs_p, ctypes.c_char_p]
        lib.csoundCreateMessageBuffer.argtypes = [cs_p, ctypes.c_int]
        lib.csoundGetFirstMessage.restype = ctypes.c_char_p
        lib.csoundGetFirstMessage.argtypes = [cs_p]
        lib.csoundGetFirstMessageAttr.argtypes = [cs_p]
        lib.csoundPopFirstMessage.argtypes = [cs_p]
        lib.csoundGetMessageCnt.argtypes = [cs_p]
        lib.csoundDestroyMessageBuffer.argtypes = [cs_p]
        lib.csoundInitialize(1 | 2)  # no signal handler, no atexit
        self.version = int(lib.csoundGetVersion())
        if self.version >= 7000:
            lib.csoundCompileCSD.argtypes = [cs_p, ctypes.c_char_p, ctypes.c_int]
            lib.csoundCompileOrc.argtypes = [cs_p, ctypes.c_char_p, ctypes.c_int]
        else:
            self.name = "csound6"
            lib.csoundCreate.argtypes = [ctypes.c_void_p]
            lib.csoundCompileCsdText.argtypes = [cs_p, ctypes.c_char_p]
            lib.csoundCompileOrc.argtypes = [cs_p, ctypes.c_char_p]

    @classmethod
    def load(cls, candidate: Candidate | None = None) -> Csound7Engine:
        """Open `candidate`'s library (the best Csound 7 `discovery` finds when None)."""
        _check_enabled()
        if candidate is None:
            candidate = next((c for c in candidates("7") if c.major == 7), None)
            if candidate is None:
                raise CsoundUnavailableError("Csound 7 library not found (pip install cycsound)")
        return cls(open_library(candidate), candidate)

    def _create(self) -> Any:
        if self.version >= 7000:
            return self._lib.csoundCreate(None, None)
        return self._lib.csoundCreate(None)

    def compile(self, text: str, options: CompileOptions) -> CompileResult:
        lib = self._lib
        csound = self._create()
        if not csound:
            return CompileResult(False, -1, (MessageChunk(MSG_ERROR, "csoundCreate failed\n"),))
        lib.csoundCreateMessageBuffer(csound, 0)
        seven = self.version >= 7000
        try:
            for flag in _flags(options):
                lib.csoundSetOption(csound, flag.encode())
            offset = 0
            if options.kind == "orc":
                code = int(lib.csoundCompileOrc(csound, text.encode(), 0) if seven
                           else lib.csoundCompileOrc(csound, text.encode()))  # fmt: skip
            else:
                if options.kind == "sco":
                    text, offset = wrap_score(text), SCORE_WRAPPER_LINES
                code = int(lib.csoundCompileCSD(csound, text.encode(), 1) if seven
                           else lib.csoundCompileCsdText(csound, text.encode()))  # fmt: skip
            chunks: list[MessageChunk] = []
            while lib.csoundGetMessageCnt(csound) > 0:
                raw = lib.csoundGetFirstMessage(csound) or b""
                attr = int(lib.csoundGetFirstMessageAttr(csound))
                chunks.append(MessageChunk(attr, raw.decode("utf-8", "replace")))
                lib.csoundPopFirstMessage(csound)
        finally:
            lib.csoundDestroyMessageBuffer(csound)
            lib.csoundDestroy(csound)
        return CompileResult(code == 0, code, tuple(chunks), offset, f"{self.name} {self.version}")


def open_library(candidate: Candidate) -> Any:
    """ctypes handle on `candidate`'s libcsound, global so its plugins find Csound's symbols.

    A bundled library brings its own plugin folder: OPCODE7DIR64 must name it before the first
    ``csoundCreate`` (plugins are loaded then), and it replaces any system value, since plugins built
    for another Csound would not match this library.
    """
    if candidate.library is None:
        raise CsoundUnavailableError(f"{candidate.describe()} has no library file to open")
    if candidate.plugins:
        environment.set_for_this_process(environment.OPCODE7DIR64, candidate.plugins)
    if candidate.origin != "bundled":
        _preload_jack()
    try:
        lib = ctypes.CDLL(candidate.library, mode=ctypes.RTLD_GLOBAL)
    except OSError as exc:
        raise LibraryNotOpenedError(f"cannot open {candidate.library}: {exc}") from exc
    try:
        lib.csoundGetVersion.restype = ctypes.c_int
        lib.csoundGetVersion()
    except (OSError, AttributeError) as exc:
        raise CsoundUnavailableError(f"cannot open {candidate.library}: {exc}") from exc
    return lib


# --- selection ------------------------------------------------------------------------------------

EngineLoader = Callable[[], CsoundEngine]


def select_engine(loaders: Sequence[EngineLoader]) -> CsoundEngine:
    """The first loader that succeeds; `CsoundUnavailableError` with the install hint if none does."""
    _check_enabled()
    reasons: list[str] = []
    for load in loaders:
        try:
            return load()
        except CsoundUnavailableError as exc:
            reasons.append(str(exc))
    detail = "; ".join(reason for reason in reasons if reason != INSTALL_HINT)
    raise CsoundUnavailableError(f"{INSTALL_HINT}" + (f" ({detail})" if detail else ""))


def _loader(candidate: Candidate) -> EngineLoader:
    if candidate.library is None:
        return Csound6Engine.load
    return functools.partial(Csound7Engine.load, candidate)


def load_engine(choice: str = "auto") -> CsoundEngine:
    """The Csound that `choice` names (see `discovery`): one library, loaded into this process only.

    Candidates are tried best first, but once a library file has been opened no other is tried, so a
    process never holds two Csounds (a file that would not open, or ctcsound failing to import, loaded
    nothing, and the next candidate is tried).
    """
    _check_enabled()
    try:
        found = candidates(choice)
    except ValueError as exc:
        raise CsoundUnavailableError(str(exc)) from exc
    if not found:
        wanted = {"6": "Csound 6", "7": "Csound 7 (pip install cycsound)"}.get(choice, "Csound")
        raise CsoundUnavailableError(f"{INSTALL_HINT} (no {wanted} found for csound.engine = {choice})")
    reasons: list[str] = []
    for candidate in found:
        try:
            engine = _loader(candidate)()
        except CsoundUnavailableError as exc:
            if candidate.library is not None and not isinstance(exc, LibraryNotOpenedError):
                raise
            reasons.append(str(exc))
            continue
        engine.candidate = candidate
        return engine
    raise CsoundUnavailableError(f"{INSTALL_HINT} ({'; '.join(reasons)})")
