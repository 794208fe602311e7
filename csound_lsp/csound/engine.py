"""A small compile-only interface over the Csound API, with one implementation per Csound major version.

Only the worker process (`worker_main`) ever loads these: libcsound prints straight to fd 1/2, can crash,
hang or leak, so the language server never calls it in its own process. Each `compile` uses a fresh Csound
instance (`csoundReset` costs as much as create/destroy and keeps more state), collects Csound's messages
through its message buffer and never starts performance: no `csoundStart`, no `perform`, no `evalCode`.
In Csound 6.18 global (instr 0) init code only runs at `csoundStart`, so a compile cannot run it
(``tests/test_csound_worker.py`` proves this with `fprints`/`system_i` at the top of an orchestra).

Selection (`load_engine`): Csound 7 through its documented C API (``csoundCompileCSD(csound, text, 1)``,
no libcsnd), found via the ``ctcsound7`` package when installed or libcsound64 itself; otherwise
Csound 6 through ``ctcsound``. ``CSOUND_LSP_NO_CSOUND=1`` simulates a machine without Csound.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

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
    "MessageChunk",
    "load_engine",
    "select_engine",
    "wrap_score",
]

SourceKind = Literal["csd", "orc", "sco"]

#: Set to 1 to make every engine load fail, as on a machine without Csound.
DISABLE_ENV = "CSOUND_LSP_NO_CSOUND"
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
    if os.environ.get(DISABLE_ENV, "") not in ("", "0"):
        raise CsoundUnavailableError(INSTALL_HINT)


# --- Csound 6 (ctcsound) --------------------------------------------------------------------------


class Csound6Engine:
    """Csound 6.x through the ``ctcsound`` module (it loads libcsound64 and libcsnd6 on import)."""

    name = "csound6"

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
    """Csound 7 through its documented C API; ``ctcsound7`` (if installed) only helps find the library.

    Csound 7 replaced ``csoundCompileCsdText`` with ``csoundCompileCSD(csound, csd, mode)`` (mode 1: the
    argument is CSD text) and gave ``csoundCompileOrc`` an ``async`` argument; there is no libcsnd.
    """

    name = "csound7"

    def __init__(self, lib: Any) -> None:
        self._lib = lib
        cs_p = ctypes.c_void_p
        lib.csoundGetVersion.restype = ctypes.c_int
        lib.csoundInitialize.argtypes = [ctypes.c_int]
        lib.csoundCreate.restype = cs_p
        lib.csoundCreate.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        lib.csoundDestroy.argtypes = [cs_p]
        lib.csoundSetOption.argtypes = [cs_p, ctypes.c_char_p]
        lib.csoundCompileCSD.argtypes = [cs_p, ctypes.c_char_p, ctypes.c_int]
        lib.csoundCompileOrc.argtypes = [cs_p, ctypes.c_char_p, ctypes.c_int]
        lib.csoundCreateMessageBuffer.argtypes = [cs_p, ctypes.c_int]
        lib.csoundGetFirstMessage.restype = ctypes.c_char_p
        lib.csoundGetFirstMessage.argtypes = [cs_p]
        lib.csoundGetFirstMessageAttr.argtypes = [cs_p]
        lib.csoundPopFirstMessage.argtypes = [cs_p]
        lib.csoundGetMessageCnt.argtypes = [cs_p]
        lib.csoundDestroyMessageBuffer.argtypes = [cs_p]
        lib.csoundInitialize(1 | 2)  # no signal handler, no atexit
        self.version = int(lib.csoundGetVersion())

    @classmethod
    def load(cls) -> Csound7Engine:
        _check_enabled()
        _preload_jack()
        lib = _find_csound7_library()
        if lib is None:
            raise CsoundUnavailableError("Csound 7 library not found")
        return cls(lib)

    def compile(self, text: str, options: CompileOptions) -> CompileResult:
        lib = self._lib
        csound = lib.csoundCreate(None, None)
        if not csound:
            return CompileResult(False, -1, (MessageChunk(MSG_ERROR, "csoundCreate failed\n"),))
        lib.csoundCreateMessageBuffer(csound, 0)
        try:
            for flag in _flags(options):
                lib.csoundSetOption(csound, flag.encode())
            offset = 0
            if options.kind == "orc":
                code = int(lib.csoundCompileOrc(csound, text.encode(), 0))
            else:
                if options.kind == "sco":
                    text, offset = wrap_score(text), SCORE_WRAPPER_LINES
                code = int(lib.csoundCompileCSD(csound, text.encode(), 1))
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


def _find_csound7_library() -> Any | None:
    """libcsound of version >= 7000, via ctcsound7's loader when installed, else by name."""

    def from_ctcsound7() -> Any:
        from ctcsound7 import _dll  # type: ignore[import-not-found,unused-ignore]

        return _dll.csoundDLL()[0]

    def by_name(name: str) -> Any:
        path = name if name[-1].isdigit() else ctypes.util.find_library(name)
        if not path:
            raise OSError(f"{name} not found")
        return ctypes.CDLL(path)

    candidates: list[Callable[[], Any]] = [from_ctcsound7]
    for name in ("libcsound64.so.7.0", "libcsound.so.7", "csound64", "CsoundLib64"):
        candidates.append(functools.partial(by_name, name))
    for load in candidates:
        try:
            lib = load()
            lib.csoundGetVersion.restype = ctypes.c_int
            if int(lib.csoundGetVersion()) >= 7000 and hasattr(lib, "csoundCompileCSD"):
                return lib
        except (ImportError, OSError, AttributeError, IndexError):
            continue
    return None


# --- selection ------------------------------------------------------------------------------------

EngineLoader = Callable[[], CsoundEngine]
DEFAULT_LOADERS: tuple[EngineLoader, ...] = (Csound7Engine.load, Csound6Engine.load)


def select_engine(loaders: Sequence[EngineLoader] = DEFAULT_LOADERS) -> CsoundEngine:
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


def load_engine() -> CsoundEngine:
    """The best installed Csound: 7 if present, else 6."""
    return select_engine(DEFAULT_LOADERS)
