"""Opcode knowledge: what Csound has (generated from Csound) and what we say about it.

Public API (everything is immutable and loaded lazily on first use):

* ``default_catalog() -> Catalog`` - every opcode and overload of the Csound the data was
  generated from (``Catalog.get(name)``, ``Catalog.with_prefix(prefix)``,
  ``Opcode.fitting(out_types, in_types)``, ``Opcode.choose(...)``).
* ``merge_installed(catalog) -> MergeResult`` - adds the user's own Csound opcodes (plugins, a
  newer version) from a child process; blocking, never raises, run it in the background.
* ``types`` - type letters in words, ``parse_types``, ``fits``, ``inputs_fit``, ``outputs_fit``.
* ``cheatsheet`` - our one-line descriptions, argument names and examples per opcode.
* ``gen_routines``, ``headers``, ``options`` - GEN routines, orchestra header constants and
  command-line flags (with a safety mark per flag).
"""

from __future__ import annotations

from csound_lsp.catalog.opcodes import (
    Catalog,
    MergeResult,
    Opcode,
    Overload,
    default_catalog,
    merge_installed,
    use_catalog,
)
from csound_lsp.catalog.types import Param, describe_letter, describe_types, fits, parse_types

__all__ = [
    "Catalog",
    "MergeResult",
    "Opcode",
    "Overload",
    "Param",
    "default_catalog",
    "describe_letter",
    "describe_types",
    "fits",
    "merge_installed",
    "parse_types",
    "use_catalog",
]
