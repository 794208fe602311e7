"""How often each opcode appears in the Csound manual's examples (``opcode_usage.json``).

Made by ``scripts/rank_opcode_usage.py``. Completion uses ``usage_count`` as a popularity
signal; ``most_used(n)`` is the work list for cheat-sheet writers. Opcodes never used in the
examples count 0.
"""

from __future__ import annotations

from csound_lsp.catalog._data import DATA_DIR, Lazy, read_json


def _build() -> dict[str, int]:
    data = read_json(DATA_DIR / "opcode_usage.json")
    return {str(name): int(count) for name, count in data.items()}


_counts: Lazy[dict[str, int]] = Lazy(_build)


def usage_counts() -> dict[str, int]:
    """Name -> count, most used first."""
    return _counts.get()


def usage_count(name: str) -> int:
    return _counts.get().get(name, 0)


def most_used(limit: int) -> list[str]:
    return list(_counts.get())[:limit]
