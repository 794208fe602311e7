"""Csound 6.18 vs 7.0 from the two generated catalogs, and the marks hover and completion show."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from csound_lsp.catalog import versions
from csound_lsp.catalog._data import DATA_DIR
from csound_lsp.catalog.installed import query_installed
from csound_lsp.csound.discovery import candidates
from csound_lsp.features import opcode_text
from csound_lsp.features.completion import completion
from tests.feature_fixtures import with_cursor

ORC = "sr = 44100\ninstr 1\n  %s\nendin\n"


@pytest.fixture(autouse=True)
def _engine_reset() -> Iterator[None]:
    yield
    versions.set_engine(None)


def test_csound7_catalog_was_listed_by_csound_7() -> None:
    data = json.loads((DATA_DIR / "opcodes7.json").read_text())
    assert data["csound_version"].startswith("7.") and data["opcode_count"] > 1000
    assert {"oscili", "declare", "pvsanal"} <= set(data["opcodes"])


def test_diff_sorts_opcodes_into_new_removed_and_changed() -> None:
    diff = versions.version_diff()
    assert "declare" in diff.new and "declare" not in diff.removed  # Csound 7's declare
    assert "STKFlute" in diff.removed  # a plugin the Csound 7.0 build does not have
    assert "diskin2" in diff.changed
    assert versions.version_diff().change("oscili") is None  # same overloads in both


def test_notes_depend_on_the_engine() -> None:
    assert versions.note_for("STKFlute", 7) == "not in Csound 7.0's opcode list"
    assert versions.note_for("diskin2", 7) == "signatures changed in Csound 7"
    assert versions.note_for("declare", 7) == "new in Csound 7"
    assert versions.note_for("declare", 6) == "Csound 7 only"
    assert versions.note_for("STKFlute", 6) is None and versions.note_for("oscili", 7) is None
    assert versions.engine_major("7") == 7 and versions.engine_major("6") == 6


def test_hover_title_carries_the_mark() -> None:
    versions.set_engine("7")
    assert (
        "*not in Csound 7.0's opcode list*"
        in opcode_text.opcode_hover_text("STKFlute", None, None).split("\n")[0]
    )
    versions.set_engine("6")
    assert "Csound 7" not in opcode_text.opcode_hover_text("STKFlute", None, None).split("\n")[0]


def test_completion_detail_carries_the_mark() -> None:
    document, position = with_cursor(ORC % "aSig diskin|", "file:///tmp/versions.orc")
    versions.set_engine("7")
    [item] = [i for i in completion(document, position).items if i.label == "diskin2"]
    assert item.detail is not None and item.detail.endswith("(signatures changed in Csound 7)")
    versions.set_engine("6")
    [item] = [i for i in completion(document, position).items if i.label == "diskin2"]
    assert item.detail is not None and "Csound 7" not in item.detail


@pytest.mark.skipif(not candidates("7"), reason="needs cycsound (Csound 7)")
def test_installed_listing_on_csound7_matches_its_catalog() -> None:
    """The Csound 7 library lists exactly the opcodes of opcodes7.json (plugins included)."""
    found = query_installed(timeout=120, engine="7")
    assert found.error is None and found.csound_version == "7.0.0"
    names = {entry.name for entry in found.entries}
    assert names == set(json.loads((DATA_DIR / "opcodes7.json").read_text())["opcodes"])
    assert {"pan2", "reverbsc", "moogladder"} <= names  # from the bundled plugin folder
