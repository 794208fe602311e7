"""Load the three Csound tree-sitter languages for the benchmarks.

Compiles the committed parser.c/scanner.c files into a private shared library
under bench/.cache/ (rebuilt when a source changes), so the numbers always
describe the grammar as it is in the tree.
"""

from __future__ import annotations

import ctypes
import hashlib
import subprocess
from pathlib import Path

import tree_sitter

ROOT = Path(__file__).resolve().parent.parent
GRAMMARS = ROOT / "grammars" / "tree-sitter-csound"
CACHE = Path(__file__).resolve().parent / ".cache"
DIALECTS = {"csd": "csound", "orc": "csound_orc", "sco": "csound_sco"}


def _sources() -> list[Path]:
    files: list[Path] = []
    for dialect in DIALECTS:
        files += [GRAMMARS / dialect / "src" / "parser.c", GRAMMARS / dialect / "src" / "scanner.c"]
    return files


def _build_library() -> Path:
    digest = hashlib.sha256()
    for path in [*_sources(), GRAMMARS / "common" / "scanner.h", GRAMMARS / "common" / "opcode_names.h"]:
        digest.update(path.read_bytes())
    CACHE.mkdir(exist_ok=True)
    library = CACHE / f"csound-grammars-{digest.hexdigest()[:16]}.so"
    if library.exists():
        return library
    objects = []
    for dialect in DIALECTS:
        src = GRAMMARS / dialect / "src"
        for name in ("parser.c", "scanner.c"):
            obj = CACHE / f"{dialect}-{name}.o"
            subprocess.run(
                ["cc", "-O2", "-fPIC", "-std=c11", "-I", str(src), "-c", str(src / name), "-o", str(obj)],
                check=True,
            )
            objects.append(str(obj))
    subprocess.run(["cc", "-shared", "-o", str(library), *objects], check=True)
    return library


def _capsule(address: int) -> object:
    """Wrap a TSLanguage pointer the way py-tree-sitter expects it."""
    new_capsule = ctypes.pythonapi.PyCapsule_New
    new_capsule.restype = ctypes.py_object
    new_capsule.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p]
    return new_capsule(address, b"tree_sitter.Language", None)


_LIBRARY: ctypes.CDLL | None = None


def load_languages() -> dict[str, tree_sitter.Language]:
    """Return {'csd': Language, 'orc': Language, 'sco': Language} built from the current sources.

    The installed csound_lsp extension may lag behind the grammar being worked on, so the
    benchmarks always compile the committed parser.c/scanner.c files themselves.
    """
    global _LIBRARY
    if _LIBRARY is None:
        _LIBRARY = ctypes.CDLL(str(_build_library()))
    result = {}
    for dialect, name in DIALECTS.items():
        func = getattr(_LIBRARY, f"tree_sitter_{name}")
        func.restype = ctypes.c_void_p
        result[dialect] = tree_sitter.Language(_capsule(func()))
    return result
