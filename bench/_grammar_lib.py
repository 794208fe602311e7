"""Load the three Csound tree-sitter languages for the benchmarks.

Compiles the committed parser.c/scanner.c files into a private shared library
under bench/.cache/ (rebuilt when a source changes), so the numbers always
describe the grammar as it is in the tree.
"""

from __future__ import annotations

import ctypes
import hashlib
import subprocess
import tempfile
from pathlib import Path

import tree_sitter

ROOT = Path(__file__).resolve().parent.parent
GRAMMARS = ROOT / "grammars" / "tree-sitter-csound"
CACHE = Path(__file__).resolve().parent / ".cache"
DIALECTS = {"csd": "csound", "orc": "csound_orc", "sco": "csound_sco"}


def _sources(grammars: Path) -> list[Path]:
    files: list[Path] = []
    for dialect in DIALECTS:
        files += [grammars / dialect / "src" / "parser.c", grammars / dialect / "src" / "scanner.c"]
    return files


def _build_library(grammars: Path = GRAMMARS) -> Path:
    digest = hashlib.sha256()
    for path in [
        *_sources(grammars),
        grammars / "common" / "scanner.h",
        grammars / "common" / "opcode_names.h",
    ]:
        digest.update(path.read_bytes())
    CACHE.mkdir(exist_ok=True)
    library = CACHE / f"csound-grammars-{digest.hexdigest()[:16]}.so"
    if library.exists():
        return library
    objects = []
    with tempfile.TemporaryDirectory() as build:
        for dialect in DIALECTS:
            src = grammars / dialect / "src"
            for name in ("parser.c", "scanner.c"):
                obj = Path(build) / f"{dialect}-{name}.o"
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


_LIBRARIES: dict[Path, ctypes.CDLL] = {}


def load_languages(grammars: Path = GRAMMARS) -> dict[str, tree_sitter.Language]:
    """Return {'csd': Language, 'orc': Language, 'sco': Language} built from the current sources
    (or from another checkout's `grammars/tree-sitter-csound`, to compare two grammars).

    The installed csound_lsp extension may lag behind the grammar being worked on, so the
    benchmarks always compile the committed parser.c/scanner.c files themselves.
    """
    library = _LIBRARIES.get(grammars)
    if library is None:
        library = _LIBRARIES[grammars] = ctypes.CDLL(str(_build_library(grammars)))
    result = {}
    for dialect, name in DIALECTS.items():
        func = getattr(library, f"tree_sitter_{name}")
        func.restype = ctypes.c_void_p
        result[dialect] = tree_sitter.Language(_capsule(func()))
    return result
