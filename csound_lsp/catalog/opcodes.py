"""The opcode catalog: every opcode Csound has, with every overload's type strings.

``default_catalog()`` returns the catalog bundled in ``csound_lsp/data/opcodes.json`` (made by
``scripts/gen_catalog.py``). Nothing is read at import time: the file is parsed on first use,
once, under a lock, so server start-up stays fast and threads may call it freely.

``merge_installed(catalog)`` asks the user's own Csound (in a child process, see
``installed.py``) for its opcode list and returns a ``MergeResult`` holding a *new* catalog
with plugin opcodes and newer overloads added, plus what was added. It blocks for as long as
Csound takes to start (about a second), so the server runs it in a thread or executor and
swaps the catalog reference when it finishes. It never raises; when Csound is missing the
result's ``error`` says so and ``catalog`` is the one passed in, so the caller can report
"Csound not found" once and carry on.

Catalogs are immutable: lookups can run concurrently with a merge.
"""

from __future__ import annotations

import bisect
import json
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from csound_lsp.catalog.installed import DEPRECATED_FLAG, InstalledOpcodes, normalise_name, query_installed
from csound_lsp.catalog.types import (
    Param,
    arity,
    compact,
    exactness,
    inputs_fit,
    outputs_fit,
    parse_types,
)

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
BUNDLED_PATH = DATA_DIR / "opcodes.json"

Origin = Literal["bundled", "installed"]

# OENTRY flag bits (Csound 6.18 include/interlocks.h), named in our words.
FLAG_NAMES: dict[int, str] = {
    0x0001: "reads zak space",
    0x0002: "writes zak space",
    0x0004: "writes to its inputs",
    0x0008: "reads function tables",
    0x0010: "writes function tables",
    0x0020: "reads channels",
    0x0040: "writes channels",
    0x0080: "uses the stack",
    0x0100: "prints",
    0x0200: "reads internal output state",
    0x0400: "writes internal output state",
    DEPRECATED_FLAG: "deprecated",
}


@dataclass(frozen=True, slots=True)
class Overload:
    """One signature of an opcode: output and input type strings as Csound spells them."""

    outputs: str
    inputs: str
    flags: int = 0
    origin: Origin = "bundled"

    @property
    def deprecated(self) -> bool:
        return bool(self.flags & DEPRECATED_FLAG)

    @property
    def out_params(self) -> tuple[Param, ...]:
        return parse_types(self.outputs, "out")

    @property
    def in_params(self) -> tuple[Param, ...]:
        return parse_types(self.inputs, "in")

    @property
    def input_arity(self) -> tuple[int, int | None]:
        return arity(self.inputs, "in")

    @property
    def output_arity(self) -> tuple[int, int | None]:
        return arity(self.outputs, "out")

    @property
    def flag_names(self) -> tuple[str, ...]:
        return tuple(words for bit, words in FLAG_NAMES.items() if self.flags & bit)

    def fits(self, out_types: Sequence[str] | None, in_types: Sequence[str] | None) -> bool:
        """Whether Csound would accept these result and argument types; None skips that side."""
        if in_types is not None and not inputs_fit(in_types, self.inputs):
            return False
        return out_types is None or outputs_fit(out_types, self.outputs)

    def signature(self, name: str) -> str:
        """A compact one-line form such as ``a oscili kkjo`` (``-`` for no outputs)."""
        outs = "".join(p.spelled for p in compact(self.out_params)) or "-"
        ins = "".join(p.spelled for p in compact(self.in_params))
        return f"{outs} {name} {ins}".rstrip()


@dataclass(frozen=True, slots=True)
class Opcode:
    """An opcode name with all its overloads (sorted by outputs, then inputs)."""

    name: str
    overloads: tuple[Overload, ...]
    origin: Origin = "bundled"

    @property
    def deprecated(self) -> bool:
        """True when every overload is deprecated (some opcodes only lost a few forms)."""
        return bool(self.overloads) and all(o.deprecated for o in self.overloads)

    @property
    def output_types(self) -> frozenset[str]:
        """Spelled type of the first output of each overload (``""`` when it has none)."""
        return frozenset(o.out_params[0].spelled if o.out_params else "" for o in self.overloads)

    def produces(self, rate: str) -> bool:
        """Whether some live overload can write its first output to a variable of ``rate``."""
        return any(not o.deprecated and o.fits([rate], None) for o in self.overloads if o.outputs)

    def fitting(
        self, out_types: Sequence[str] | None = None, in_types: Sequence[str] | None = None
    ) -> list[Overload]:
        """Overloads that accept these types, best first (see ``choose``)."""
        outs = tuple(out_types) if out_types is not None else None
        ins = tuple(in_types) if in_types is not None else None
        return list(_fitting(self, outs, ins))

    def choose(
        self, out_types: Sequence[str] | None = None, in_types: Sequence[str] | None = None
    ) -> Overload | None:
        """The overload Csound would most plausibly pick, or None when nothing fits.

        Csound takes the first fitting entry in its own table order; that order is not
        exposed, so we prefer live over deprecated, then exact letter matches, then shorter
        signatures.
        """
        found = self.fitting(out_types, in_types)
        return found[0] if found else None


@lru_cache(maxsize=65536)
def _fitting(
    opcode: Opcode, outs: tuple[str, ...] | None, ins: tuple[str, ...] | None
) -> tuple[Overload, ...]:
    """Memoised: analysis asks the same question for every call of an opcode with the same rates."""
    matches = [o for o in opcode.overloads if o.fits(outs, ins)]
    return tuple(sorted(matches, key=lambda o: _rank(o, outs, ins)))


def _rank(
    o: Overload, outs: Sequence[str] | None, ins: Sequence[str] | None
) -> tuple[int, int, int, str, str]:
    exact = (exactness(ins, o.inputs, "in") if ins else 0) + (
        exactness(outs, o.outputs, "out") if outs else 0
    )
    return (int(o.deprecated), -exact, len(o.in_params), o.outputs, o.inputs)


@dataclass(frozen=True)
class Catalog:
    """Immutable opcode table: ``get``/``[]``/``in`` by name, iteration yields ``Opcode`` in name order,
    ``with_prefix`` finds completions by binary search over the sorted names."""

    opcodes: Mapping[str, Opcode]
    csound_version: str | None = None
    installed_version: str | None = None
    _names: tuple[str, ...] = field(default=(), repr=False, compare=False)
    _folded: tuple[str, ...] = field(default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        names = tuple(sorted(self.opcodes))
        object.__setattr__(self, "_names", names)
        folded = sorted((n.casefold(), n) for n in names)
        object.__setattr__(self, "_folded", tuple(f"{k}\0{n}" for k, n in folded))

    # --- lookup -------------------------------------------------------------------------
    def get(self, name: str) -> Opcode | None:
        return self.opcodes.get(name)

    def __getitem__(self, name: str) -> Opcode:
        return self.opcodes[name]

    def __contains__(self, name: object) -> bool:
        return name in self.opcodes

    def __len__(self) -> int:
        return len(self.opcodes)

    def __iter__(self) -> Iterator[Opcode]:
        return (self.opcodes[n] for n in self._names)

    def names(self) -> tuple[str, ...]:
        """All names, sorted (case-sensitive, as Csound sorts them)."""
        return self._names

    def with_prefix(
        self, prefix: str, *, include_deprecated: bool = True, ignore_case: bool = False
    ) -> list[Opcode]:
        """Opcodes whose name starts with ``prefix``, in name order (binary search, no scan)."""
        if ignore_case:
            key = prefix.casefold()
            start = bisect.bisect_left(self._folded, key)
            hits: list[Opcode] = []
            for entry in self._folded[start:]:
                folded, name = entry.split("\0", 1)
                if not folded.startswith(key):
                    break
                hits.append(self.opcodes[name])
        else:
            start = bisect.bisect_left(self._names, prefix)
            hits = []
            for name in self._names[start:]:
                if not name.startswith(prefix):
                    break
                hits.append(self.opcodes[name])
        if not include_deprecated:
            hits = [o for o in hits if not o.deprecated]
        return hits

    # --- building -----------------------------------------------------------------------
    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Catalog:
        """Build from the parsed JSON document written by ``scripts/gen_catalog.py``."""
        opcodes: dict[str, Opcode] = {}
        for name, rows in data["opcodes"].items():
            overloads = tuple(Overload(str(r["out"]), str(r["in"]), int(r.get("flags", 0))) for r in rows)
            opcodes[name] = Opcode(name, overloads)
        return cls(opcodes, csound_version=data.get("csound_version"))

    @classmethod
    def load(cls, path: Path = BUNDLED_PATH) -> Catalog:
        with path.open(encoding="utf-8") as handle:
            return cls.from_data(json.load(handle))

    def merged_with(self, found: InstalledOpcodes) -> tuple[Catalog, tuple[str, ...], int]:
        """New catalog plus names of opcodes new to it and the count of overloads added."""
        extra: dict[str, dict[tuple[str, str], int]] = {}
        for entry in found.entries:
            name = normalise_name(entry.name)
            if name is None:
                continue
            slot = extra.setdefault(name, {})
            key = (entry.outputs, entry.inputs)
            slot[key] = slot.get(key, 0) | entry.flags
        opcodes = dict(self.opcodes)
        added_names: list[str] = []
        added_overloads = 0
        for name, rows in sorted(extra.items()):
            current = opcodes.get(name)
            known = {(o.outputs, o.inputs) for o in current.overloads} if current else set()
            new = tuple(
                Overload(out, inp, flags, "installed")
                for (out, inp), flags in sorted(rows.items())
                if (out, inp) not in known
            )
            if not new:
                continue
            added_overloads += len(new)
            if current is None:
                added_names.append(name)
                opcodes[name] = Opcode(name, new, "installed")
            else:
                merged = tuple(sorted(current.overloads + new, key=lambda o: (o.outputs, o.inputs)))
                opcodes[name] = Opcode(name, merged, current.origin)
        catalog = Catalog(opcodes, csound_version=self.csound_version, installed_version=found.csound_version)
        return catalog, tuple(added_names), added_overloads


@dataclass(frozen=True, slots=True)
class MergeResult:
    """Outcome of ``merge_installed``: the catalog to use from now on and what changed."""

    catalog: Catalog
    added_opcodes: tuple[str, ...] = ()
    added_overloads: int = 0
    csound_version: str | None = None
    error: str | None = None

    @property
    def csound_found(self) -> bool:
        return self.error is None


def merge_installed(catalog: Catalog | None = None, timeout: float = 60.0) -> MergeResult:
    """Merge the user's installed Csound opcodes into ``catalog`` (default: the bundled one).

    Blocking; run it off the request thread. Never raises.
    """
    base = catalog if catalog is not None else default_catalog()
    try:
        found = query_installed(timeout=timeout)
    except Exception as exc:  # query_installed is meant not to raise; belt and braces
        return MergeResult(base, error=f"Csound query failed: {exc}")
    if found.error is not None:
        return MergeResult(base, error=found.error)
    merged, names, count = base.merged_with(found)
    return MergeResult(merged, names, count, found.csound_version)


_lock = threading.Lock()
_default: Catalog | None = None


def default_catalog() -> Catalog:
    """The bundled catalog, parsed on first call and shared afterwards."""
    global _default
    if _default is None:
        with _lock:
            if _default is None:
                _default = Catalog.load()
    return _default


def use_catalog(catalog: Catalog) -> None:
    """Makes `catalog` (e.g. merged with the user's installed Csound) the one analyses read."""
    global _default
    with _lock:
        _default = catalog
