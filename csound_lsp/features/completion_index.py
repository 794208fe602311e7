"""Catalog-wide facts and snippets that completion reads for every opcode on every keystroke, cached.

Kept apart from `completion.py` so that module stays about what goes where; everything here depends on
the catalog (and the cheat sheet) only, never on a document, so it is computed once per catalog.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from csound_lsp.catalog import Catalog, Opcode, Overload
from csound_lsp.catalog.usage import usage_count
from csound_lsp.features.overloads import NamedParam, entry_for, fits_partly, named_inputs, rank, safe_params
from csound_lsp.syntax.model import Udo


@lru_cache(maxsize=16384)
def opcode_overload(opcode: Opcode, outputs: tuple[str, ...] | None, function: bool) -> Overload | None:
    """The overload an inserted snippet spells out: the best for these outputs, else the shortest."""
    ranked = rank(opcode, outputs, None, complete=True) if outputs else []
    return ranked[0] if ranked else preferred_overload(opcode, function)


def call_text(name: str, overload: Overload, function: bool, udo: Udo | None) -> tuple[str, bool]:
    """`oscili ${1:xamp}, ${2:xcps}`: the required arguments as snippet placeholders."""
    if udo is None:
        return _opcode_call_text(name, overload, function)
    return _snippet(name, named_inputs(overload.inputs, None, udo), function), True


@lru_cache(maxsize=16384)
def _opcode_call_text(name: str, overload: Overload, function: bool) -> tuple[str, bool]:
    return _snippet(name, named_inputs(overload.inputs, entry_for(name)), function), True


def _snippet(name: str, inputs: list[NamedParam], function: bool) -> str:
    required = [n for n in inputs if not n.param.optional]
    if required and required[0].param.variadic:
        required = required[:1]
    else:
        required = [n for n in required if not n.param.variadic]
    holes = ", ".join(f"${{{i}:{escape(n.name.removesuffix('...'))}}}" for i, n in enumerate(required, 1))
    if function:
        return f"{name}({holes})$0"
    return f"{name} {holes}" if holes else name


@dataclass(frozen=True, slots=True)
class _Facts:
    """Per-catalog facts completion reads for every opcode on every keystroke."""

    pool: tuple[tuple[Opcode, int], ...]
    deprecated: frozenset[str]
    no_outputs: frozenset[str]
    with_outputs: frozenset[str]


_FACTS: dict[int, tuple[Catalog, _Facts]] = {}


def catalog_facts(catalog: Catalog) -> _Facts:
    """Opcodes by popularity (most used first) and their flags, computed once per catalog."""
    hit = _FACTS.get(id(catalog))
    if hit is not None and hit[0] is catalog:
        return hit[1]
    pool = tuple(sorted(((o, usage_count(o.name)) for o in catalog), key=lambda p: (-p[1], p[0].name)))
    facts = _Facts(
        pool,
        frozenset(o.name for o in catalog if o.deprecated),
        frozenset(o.name for o in catalog if any(not v.outputs for v in o.overloads)),
        frozenset(o.name for o in catalog if any(v.outputs for v in o.overloads)),
    )
    _FACTS.clear()
    _FACTS[id(catalog)] = (catalog, facts)
    return facts


_FITTING: dict[tuple[int, tuple[str, ...]], tuple[Catalog, frozenset[str]]] = {}


def fitting_names(catalog: Catalog, outputs: list[str]) -> frozenset[str]:
    """Names of opcodes with a live overload that can write exactly these outputs (cached per catalog)."""
    key = (id(catalog), tuple(outputs))
    hit = _FITTING.get(key)
    if hit is not None and hit[0] is catalog:
        return hit[1]
    names = frozenset(
        opcode.name
        for opcode in catalog
        if any(
            not o.deprecated and o.outputs and fits_partly(outputs, o.outputs, "out", True)
            for o in opcode.overloads
        )
    )
    if len(_FITTING) > 64:
        _FITTING.clear()
    _FITTING[key] = (catalog, names)
    return names


def preferred_overload(opcode: Opcode, function: bool) -> Overload | None:
    live = [o for o in opcode.overloads if not o.deprecated] or list(opcode.overloads)
    if function:
        live = [o for o in live if o.outputs] or live
    return min(live, key=lambda o: (len(safe_params(o.inputs, "in")), o.inputs)) if live else None


def escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("$", "\\$").replace("}", "\\}")


#: Output lists completion meets most often; their opcode sets are computed ahead of the first keystroke.
COMMON_OUTPUTS: tuple[tuple[str, ...], ...] = (("a",), ("k",), ("i",), ("S",), ("f",), ("a", "a"), ("k", "k"))


def warm(catalog: Catalog) -> None:
    """Builds the per-catalog facts and common output sets (off the request path, at start-up)."""
    catalog_facts(catalog)
    for outputs in COMMON_OUTPUTS:
        fitting_names(catalog, list(outputs))
