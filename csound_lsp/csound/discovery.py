"""Which Csound libraries this machine has, found by file name only (nothing is loaded here).

The server process uses this to explain the engine choice (`doctor`) and the worker process uses it to
decide what to load. Loading is left to `engine` because two Csounds must never share a process: each
candidate says its major version before anything is opened, so the worker loads exactly one library.

The choice (``csound.engine`` setting, ``--engine`` on the command line, ``CSOUND_LSP_ENGINE`` in the
environment) is one of:

* ``auto``: a system Csound first (a Csound 7 library on the library path, e.g. Homebrew's; then
  Csound 6 through ``ctcsound``, e.g. Debian's 6.18), and the Csound 7 bundled in the ``cycsound`` wheel
  last, so that ``pip install csound-lsp`` alone still compiles;
* ``6`` or ``7``: that major version only (``7`` tries the system library, then the bundled one);
* a path to a libcsound file, loaded as given.

The bundled library is located through ``importlib.metadata`` (the files the wheel recorded), never by
importing ``cycsound``: its import loads the same library a second time through its own extension.
"""

from __future__ import annotations

import ctypes.util
import glob
import importlib.metadata
import importlib.util
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from csound_lsp import environment

__all__ = [
    "CHOICES",
    "ENGINE_ENV",
    "Candidate",
    "bundled_csound7",
    "candidates",
    "engine_from_env",
    "normalise_choice",
]

#: The environment variable that carries the engine choice to child processes and tests.
ENGINE_ENV = environment.ENGINE
CHOICES = ("auto", "6", "7")

Origin = Literal["system", "bundled", "setting"]

#: Where a system Csound 7 usually lives when the library path does not name it.
_SYSTEM_DIRS = (
    "/usr/local/lib",
    "/usr/lib",
    "/usr/lib64",
    "/usr/lib/x86_64-linux-gnu",
    "/usr/lib/aarch64-linux-gnu",
    "/opt/homebrew/lib",
    "/opt/local/lib",
)
_SYSTEM7_NAMES = ("libcsound64.so.7*", "libcsound64.7*.dylib", "libcsound7_64*.dylib")
#: The library in the wheel's files: Linux (auditwheel) and Windows (delvewheel) spellings, macOS as well.
_BUNDLED_LIBRARY = re.compile(
    r"^cycsound\.libs/(libcsound64[^/]*\.so\.7[.\d]*|csound7_64[^/]*\.dll|[^/]*csound[^/]*\.dylib)$"
)


@dataclass(frozen=True)
class Candidate:
    """One library the worker may load: its major version (0: unknown until loaded) and why it is here."""

    major: int
    origin: Origin
    #: A path or a soname for ctypes; None for Csound 6 through ctcsound, which loads its own.
    library: str | None
    why: str
    #: The plugin folder that belongs with this library (OPCODE7DIR64), when it is not the system's.
    plugins: str | None = None

    def describe(self) -> str:
        where = self.library or "ctcsound's libcsound64"
        return f"Csound {self.major or '?'} ({self.origin}: {where})"


def normalise_choice(value: object) -> str:
    """``auto``, ``6``, ``7`` or a library path; `ValueError` for anything else (with what is allowed)."""
    text = str(value).strip() if value is not None else "auto"
    if text.lower() in ("", "auto"):
        return "auto"
    if text in ("6", "7", "csound6", "csound7"):
        return text[-1]
    if os.sep in text or "/" in text or text.endswith((".so", ".dylib", ".dll")) or ".so." in text:
        return text
    raise ValueError(f"csound.engine must be auto, 6, 7 or the path of a libcsound file, not {value!r}")


def engine_from_env(default: str = "auto") -> str:
    """The choice in `ENGINE_ENV`, or `default` when it is unset or not a valid choice."""
    try:
        return normalise_choice(environment.engine_choice() or default)
    except ValueError:
        return default


def bundled_csound7() -> Candidate | None:
    """The Csound 7 library in the installed ``cycsound`` distribution, and its plugin folder."""
    try:
        dist = importlib.metadata.distribution("cycsound")
    except importlib.metadata.PackageNotFoundError:
        return None
    library: Path | None = None
    plugins: Path | None = None
    for file in dist.files or ():
        name = file.as_posix()
        if library is None and _BUNDLED_LIBRARY.match(name):
            library = Path(str(dist.locate_file(file)))
        elif plugins is None and name.startswith("cycsound/plugins/"):
            plugins = Path(str(dist.locate_file(file))).parent
    if library is None or not library.is_file():
        return None
    return Candidate(
        7,
        "bundled",
        str(library),
        f"the Csound 7 bundled with the cycsound package {dist.version}",
        str(plugins) if plugins is not None and plugins.is_dir() else None,
    )


def _system_csound7() -> Candidate | None:
    name = ctypes.util.find_library("csound64")
    if name and re.search(r"\.so\.7|\.7[.\d]*\.dylib", name):
        return Candidate(7, "system", name, "a system Csound 7 on the library path")
    for folder in _SYSTEM_DIRS:
        for pattern in _SYSTEM7_NAMES:
            found = sorted(glob.glob(os.path.join(folder, pattern)))
            if found:
                return Candidate(7, "system", found[0], f"a system Csound 7 in {folder}")
    if sys.platform == "darwin":
        framework = "/Library/Frameworks/CsoundLib64.framework/CsoundLib64"
        if os.path.exists(framework) and "Versions/7" in os.path.realpath(framework):
            return Candidate(7, "system", framework, "the Csound 7 framework")
    return None


def _system_csound6() -> Candidate | None:
    if importlib.util.find_spec("ctcsound") is None:
        return None
    name = ctypes.util.find_library("csound64") or ctypes.util.find_library("CsoundLib64")
    if not name or re.search(r"\.so\.7|\.7[.\d]*\.dylib", name):
        return None
    return Candidate(6, "system", None, f"the system Csound 6 through ctcsound ({name})")


def candidates(choice: str = "auto") -> list[Candidate]:
    """What `choice` would load, best first; empty when nothing fits (the caller says what to install)."""
    choice = normalise_choice(choice)
    if choice not in CHOICES:
        return [Candidate(0, "setting", choice, "the library named by the csound.engine setting")]
    found: list[Candidate | None] = []
    if choice in ("auto", "7"):
        found.append(_system_csound7())
    if choice in ("auto", "6"):
        found.append(_system_csound6())
    if choice in ("auto", "7"):
        found.append(bundled_csound7())
    return [candidate for candidate in found if candidate is not None]
