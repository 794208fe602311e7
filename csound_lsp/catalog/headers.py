"""Orchestra header constants (sr, kr, ksmps, nchnls, nchnls_i, 0dbfs, A4): meaning, defaults, ranges.

``check_header_value(name, value)`` returns our plain-words problems for one value (empty when
fine); ``check_header(values)`` adds the cross-checks between sr, kr and ksmps. The diagnostics
layer decides severity. Data: ``csound_lsp/data/header_constants.json``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from csound_lsp.catalog._data import DATA_DIR, Lazy, read_json


@dataclass(frozen=True, slots=True)
class HeaderConstant:
    name: str
    meaning: str
    default: float | None
    default_note: str | None
    typical: tuple[float, ...]
    minimum: float | None
    exclusive_min: bool
    usual_range: tuple[float, float] | None
    integer: bool
    overridden_by: tuple[str, ...]
    checks: tuple[str, ...]


def _build() -> dict[str, HeaderConstant]:
    data = read_json(DATA_DIR / "header_constants.json")
    out: dict[str, HeaderConstant] = {}
    for name, row in data["constants"].items():
        usual = row.get("usual_range")
        out[name] = HeaderConstant(
            name=name,
            meaning=row["meaning"],
            default=row.get("default"),
            default_note=row.get("default_note"),
            typical=tuple(row.get("typical", ())),
            minimum=row.get("min"),
            exclusive_min=bool(row.get("exclusive_min", False)),
            usual_range=(float(usual[0]), float(usual[1])) if usual else None,
            integer=bool(row.get("integer", False)),
            overridden_by=tuple(row.get("override", ())),
            checks=tuple(row.get("checks", ())),
        )
    return out


_constants: Lazy[dict[str, HeaderConstant]] = Lazy(_build)


def header_constants() -> dict[str, HeaderConstant]:
    return _constants.get()


def header_constant(name: str) -> HeaderConstant | None:
    return header_constants().get(name)


def check_header_value(name: str, value: float) -> list[str]:
    """Problems with one header value, in words; [] when it looks fine."""
    info = header_constant(name)
    if info is None:
        return []
    problems: list[str] = []
    if info.integer and value != int(value):
        problems.append(f"{name} must be a whole number")
    low = info.minimum
    if low is not None:
        if info.exclusive_min and value <= low:
            return [*problems, f"{name} must be above {low:g}"]
        if not info.exclusive_min and value < low:
            return [*problems, f"{name} must be at least {low:g}"]
    if info.usual_range and not (info.usual_range[0] <= value <= info.usual_range[1]):
        lo, hi = info.usual_range
        problems.append(f"{name} = {value:g} is unusual (usually between {lo:g} and {hi:g})")
    return problems


def check_header(values: Mapping[str, float]) -> list[str]:
    """Per-value problems plus the sr / kr / ksmps relationship."""
    problems = [p for name, value in values.items() for p in check_header_value(name, value)]
    sr, kr, ksmps = values.get("sr"), values.get("kr"), values.get("ksmps")
    if sr and kr and kr > 0:
        ratio = sr / kr
        if abs(ratio - round(ratio)) > 1e-9:
            problems.append(f"sr / kr = {ratio:g} is not a whole number")
        elif ksmps and round(ratio) != ksmps:
            problems.append(f"sr / kr = {ratio:g} but ksmps = {ksmps:g}; they must agree")
    return problems
