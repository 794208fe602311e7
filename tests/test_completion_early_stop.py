"""Stopping the walk over the catalog once the list's head is settled never changes the answer."""

from __future__ import annotations

import random

import pytest

from csound_lsp.features import completion as completion_module
from csound_lsp.features.completion import completion
from csound_lsp.syntax.document import Document, Position
from tests.conftest import ROOT

PIECES = sorted((ROOT / "corpus").glob("*/*.csd"))[::9]


def answers(document: Document, positions: list[Position]) -> list[object]:
    found = []
    for position in positions:
        result = completion(document, position)
        found.append((result.is_incomplete, [(i.label, i.sort_text) for i in result.items]))
    return found


@pytest.mark.parametrize("path", PIECES, ids=lambda p: p.name)
def test_early_stop_gives_the_full_walks_list(path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    text = path.read_text(encoding="utf-8")  # type: ignore[attr-defined]
    document = Document("file:///x.csd", text)
    lines = text.split("\n")
    rng = random.Random(str(path))
    positions = []
    for row in rng.sample(range(len(lines)), min(25, len(lines))):
        line = lines[row]
        positions.append(Position(row, len(line)))
        positions.append(Position(row, rng.randint(0, len(line))))
        words = line.split()
        if len(words) >= 2:  # `aSig |`: the opcode list filtered by the output's type
            positions.append(Position(row, line.index(words[0]) + len(words[0]) + 1))
    early = answers(document, positions)
    monkeypatch.setattr(completion_module._Builder, "settled", lambda self, best_group: False)
    assert answers(document, positions) == early
    assert any(cut for cut, _ in early)  # lists long enough to be cut were among them
