"""GEN routines (the ``f`` statement / ``ftgen`` table makers) in our own words.

``gen_routine(10)``, ``gen_routine("10")``, ``gen_routine("-10")`` and ``gen_routine('"tanh"')``
all find an entry: a negative number only switches off rescaling, and named routines may be
written with or without quotes. Data: ``csound_lsp/data/gen_routines.json``.
"""

from __future__ import annotations

from dataclasses import dataclass

from csound_lsp.catalog._data import DATA_DIR, Lazy, read_json


@dataclass(frozen=True, slots=True)
class GenField:
    """One group of p-fields after the GEN number (``name`` may cover a repeating group)."""

    name: str
    meaning: str


@dataclass(frozen=True, slots=True)
class WorkedExample:
    statement: str
    explanation: str
    fields: tuple[GenField, ...]


@dataclass(frozen=True, slots=True)
class GenRoutine:
    key: str
    """``"10"`` for GEN10, ``"tanh"`` for a named routine."""
    summary: str
    pfields: tuple[GenField, ...]
    example: str
    size_note: str | None = None
    worked_example: WorkedExample | None = None

    @property
    def title(self) -> str:
        return f"GEN{int(self.key):02d}" if self.key.isdigit() else f'GEN "{self.key}"'

    @property
    def named(self) -> bool:
        return not self.key.isdigit()


@dataclass(frozen=True, slots=True)
class GenTable:
    routines: dict[str, GenRoutine]
    statement_fields: tuple[GenField, ...]
    not_provided: dict[str, str]


def _fields(rows: list[list[str]]) -> tuple[GenField, ...]:
    return tuple(GenField(str(n), str(m)) for n, m in rows)


def _build() -> GenTable:
    data = read_json(DATA_DIR / "gen_routines.json")
    routines: dict[str, GenRoutine] = {}
    for key, row in data["routines"].items():
        worked = row.get("worked_example")
        routines[key] = GenRoutine(
            key=key,
            summary=row["summary"],
            pfields=_fields(row["pfields"]),
            example=row["example"],
            size_note=row.get("size_note"),
            worked_example=(
                WorkedExample(worked["statement"], worked["explanation"], _fields(worked["fields"]))
                if worked
                else None
            ),
        )
    return GenTable(routines, _fields(data["statement"]["fields"]), dict(data.get("not_provided", {})))


_table: Lazy[GenTable] = Lazy(_build)


def gen_table() -> GenTable:
    return _table.get()


def normalise_gen_key(value: int | float | str) -> str | None:
    """``-10`` -> ``"10"``, ``'"tanh"'`` -> ``"tanh"``, ``"07"`` -> ``"7"``; None if unreadable."""
    text = str(value).strip().strip('"').strip()
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        return text
    if number != int(number):
        return None
    return str(abs(int(number)))


def gen_routine(value: int | float | str) -> GenRoutine | None:
    key = normalise_gen_key(value)
    return gen_table().routines.get(key) if key is not None else None


def all_gen_routines() -> list[GenRoutine]:
    return list(gen_table().routines.values())
