"""How an opcode differs between Csound 6.18 and 7.0, from the two generated catalogs.

``data/opcodes.json`` was listed by Csound 6.18 and ``data/opcodes7.json`` by the Csound 7.0 library
(the one cycsound bundles), both by ``scripts/gen_catalog.py``. An opcode is *new in 7* when only 7
lists it, *not in 7* when only 6 does (plugins missing from that build count too: the note says "not
in Csound 7.0's list", which is what we know), and *changed in 7* when both list it with different
sets of (output, input) type strings. Hover and completion show the note that matters for the Csound
the document is compiled with (`set_engine`): a 7 user hears about removals and changes, a 6 user
about opcodes that only 7 has.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Literal

from csound_lsp.catalog._data import DATA_DIR, read_json
from csound_lsp.catalog.opcodes import Catalog, Opcode, Overload, default_catalog

__all__ = [
    "VersionDiff",
    "catalog_for",
    "current_major",
    "engine_major",
    "note_for",
    "set_engine",
    "version_diff",
]

CSOUND7_PATH = DATA_DIR / "opcodes7.json"

Change = Literal["new", "removed", "changed"]


@dataclass(frozen=True)
class VersionDiff:
    new: frozenset[str]
    removed: frozenset[str]
    changed: frozenset[str]

    def change(self, name: str) -> Change | None:
        if name in self.new:
            return "new"
        if name in self.removed:
            return "removed"
        if name in self.changed:
            return "changed"
        return None


_lock = threading.Lock()
_diff: VersionDiff | None = None
_major: int | None = None


def _signatures(data: dict[str, list[dict[str, str]]]) -> dict[str, frozenset[tuple[str, str]]]:
    return {name: frozenset((o["out"], o["in"]) for o in overloads) for name, overloads in data.items()}


def version_diff() -> VersionDiff:
    """The 6.18 / 7.0 difference, computed once from the bundled catalogs."""
    global _diff
    with _lock:
        if _diff is None:
            six = _signatures(read_json(DATA_DIR / "opcodes.json")["opcodes"])
            seven = _signatures(read_json(CSOUND7_PATH)["opcodes"])
            _diff = VersionDiff(
                frozenset(seven.keys() - six.keys()),
                frozenset(six.keys() - seven.keys()),
                frozenset(n for n in six.keys() & seven.keys() if six[n] != seven[n]),
            )
        return _diff


def engine_major(choice: str) -> int:
    """The Csound major version a csound.engine choice compiles with (6 when it cannot be told)."""
    if choice in ("6", "7"):
        return int(choice)
    from csound_lsp.csound.discovery import candidates

    try:
        found = candidates(choice)
    except ValueError:
        return 6
    return found[0].major if found and found[0].major in (6, 7) else 6


def set_engine(choice: str | None) -> None:
    """Remember the server's csound.engine; its major version decides which notes are shown."""
    global _major
    _major = engine_major(choice) if choice is not None else None


def current_major() -> int:
    """The Csound major version the server's csound.engine compiles with (6 until it is set)."""
    return _major if _major is not None else 6


_seven: tuple[Catalog, Catalog] | None = None


def catalog_for(major: int, base: Catalog | None = None) -> Catalog:
    """The catalog the analysis of a document for Csound `major` reads.

    For 6, `base` (the default catalog: 6.18's list, merged with the installed Csound's). For 7, every
    opcode Csound 7.0 lists takes 7.0's signatures (`complex`; `maxalloc` with three arguments; the 6
    forms 7 dropped are gone), keeping the ones the installed Csound added to `base`; the opcodes only
    6.18 lists stay as they are (`analysis.dialect` reports them). Cached per base catalog.
    """
    global _seven
    base = base if base is not None else default_catalog()
    if major < 7:
        return base
    with _lock:
        if _seven is not None and _seven[0] is base:
            return _seven[1]
    seven = Catalog.load(CSOUND7_PATH)
    opcodes = dict(base.opcodes)
    for opcode in seven:
        current = opcodes.get(opcode.name)
        if current is None:
            opcodes[opcode.name] = opcode
            continue
        own = {(o.outputs, o.inputs) for o in opcode.overloads}
        installed = tuple(
            o for o in current.overloads if o.origin == "installed" and (o.outputs, o.inputs) not in own
        )
        merged = tuple(sorted(opcode.overloads + installed, key=_overload_order))
        opcodes[opcode.name] = Opcode(opcode.name, merged, current.origin)
    combined = Catalog(opcodes, csound_version=base.csound_version, installed_version=base.installed_version)
    with _lock:
        _seven = (base, combined)
    return combined


def _overload_order(overload: Overload) -> tuple[str, str]:
    return (overload.outputs, overload.inputs)


def note_for(name: str, major: int | None = None) -> str | None:
    """A few words on how `name` differs in Csound 7, for a document compiled by Csound `major`."""
    if major is None:
        major = _major if _major is not None else 6
    change = version_diff().change(name)
    if major >= 7:
        return {
            "new": "new in Csound 7",
            "removed": "not in Csound 7.0's opcode list",
            "changed": "signatures changed in Csound 7",
        }.get(change or "")
    return "Csound 7 only" if change == "new" else None
