"""The workspace index leaves out files too large to be worth their memory (a generated score)."""

from __future__ import annotations

from pathlib import Path

import pytest

from csound_lsp.features import symbols
from csound_lsp.features.symbols import WorkspaceIndex
from csound_lsp.syntax.store import DocumentStore

SMALL = "instr Small\n  aOut poscil 0.2, 440\n  outs aOut, aOut\nendin\n"


def test_files_over_the_limit_are_not_indexed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "small.orc").write_text(SMALL, encoding="utf-8")
    big = SMALL.replace("Small", "Huge") + "".join(f"; filler line {n}\n" for n in range(200))
    (tmp_path / "huge.orc").write_text(big, encoding="utf-8")
    monkeypatch.setattr(symbols, "MAX_INDEXED_FILE_BYTES", len(SMALL) + 100)
    index = WorkspaceIndex()
    store = DocumentStore()
    index.index_folder(store, str(tmp_path))
    names = {entry.name for entry in index.search("")}
    assert any("Small" in name for name in names), names
    assert not any("Huge" in name for name in names), names
    assert store.for_path(str(tmp_path / "small.orc"), disk_only=True) is not None
    # Growing past the limit drops what was indexed for it.
    (tmp_path / "small.orc").write_text(big.replace("Huge", "Small"), encoding="utf-8")
    index.index_path(store, str(tmp_path / "small.orc"))
    assert not any("Small" in entry.name for entry in index.search(""))
