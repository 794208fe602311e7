"""The cheat sheet: every entry must match what Csound really has."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from csound_lsp.catalog import default_catalog
from csound_lsp.catalog.cheatsheet import (
    CATEGORIES,
    CHEATSHEET_DIR,
    cheat_entry,
    cheatsheet,
    validate_all,
    validate_entry,
)
from csound_lsp.catalog.usage import most_used

GOOD: dict[str, Any] = {
    "description": "Table oscillator with linear interpolation.",
    "category": "oscillators",
    "args": [
        {"name": "xamp", "meaning": "amplitude", "rates": ["a", "k", "i"]},
        {"name": "xcps", "meaning": "frequency in Hz", "rates": ["k"]},
    ],
    "outputs": [{"name": "aSig", "meaning": "output"}],
    "example": "aSig oscili 0.3, 440",
}


def test_every_cheatsheet_file_is_valid() -> None:
    """Fails when an entry names an opcode Csound lacks, lists too many args, wrong rates..."""
    problems = validate_all()
    assert problems == [], "\n".join(problems)


def test_core_covers_the_40_most_used() -> None:
    core = json.loads((CHEATSHEET_DIR / "core.json").read_text(encoding="utf-8"))
    missing = [name for name in most_used(40) if name not in core]
    assert missing == []


def test_loader() -> None:
    entry = cheat_entry("oscili")
    assert entry is not None and entry.category == "oscillators" and entry.source == "core.json"
    assert [a.name for a in entry.args][:2] == ["xamp", "xcps"]
    assert cheat_entry("nonexistent") is None
    assert len(cheatsheet()) >= 40
    assert all(e.category in CATEGORIES for e in cheatsheet().values())


def test_good_entry_passes() -> None:
    assert validate_entry("oscili", GOOD) == []


@pytest.mark.parametrize(
    ("name", "change", "expected"),
    [
        ("notanopcode", None, "no opcode"),
        (
            "oscili",
            lambda e: e["args"].extend([{"name": f"x{i}", "meaning": "m", "rates": ["i"]} for i in range(3)]),
            "no overload takes more than 4",
        ),
        ("oscili", lambda e: e["outputs"].append({"name": "a2", "meaning": "m"}), "outputs"),
        ("oscili", lambda e: e["args"][1].update(rates=["S"]), "cannot be 'S'"),
        ("oscili", lambda e: e["args"][1].update(name="xcps..."), "repeats"),
        ("oscili", lambda e: e.update(category="noise-makers"), "category"),
        ("oscili", lambda e: e.update(description="two\nlines"), "one line"),
        ("oscili", lambda e: e.update(example="aSig poscil 1, 2"), "does not use"),
        ("oscili", lambda e: e.update(extra=1), "unknown keys"),
        ("oscili", lambda e: e["args"][0].update(rates=["q"]), "type letters"),
        ("oscili", lambda e: e["args"][0].update(name="2bad"), "identifier"),
    ],
)
def test_bad_entries_are_reported(name: str, change: Any, expected: str) -> None:
    entry = copy.deepcopy(GOOD)
    if change is not None:
        change(entry)
    problems = validate_entry(name, entry, default_catalog())
    assert any(expected in p for p in problems), problems


def test_duplicate_across_files(tmp_path: Path) -> None:
    for file in ("a.json", "b.json"):
        (tmp_path / file).write_text(json.dumps({"oscili": GOOD}), encoding="utf-8")
    (tmp_path / "c.json").write_text("[1, 2]", encoding="utf-8")
    problems = validate_all(tmp_path)
    assert any("defined in both a.json and b.json" in p for p in problems)
    assert any("c.json" in p for p in problems)


def test_variadic_args_allowed_where_csound_is_open_ended() -> None:
    entry = copy.deepcopy(GOOD)
    entry.update(
        example='prints "x"',
        category="printing",
        outputs=[],
        args=[
            {"name": "Sfmt", "meaning": "format", "rates": ["S"]},
            {"name": "xVal...", "meaning": "values", "rates": ["i", "S"]},
        ],
    )
    assert validate_entry("prints", entry) == []
