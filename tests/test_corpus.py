"""Every corpus piece is indexed, accepted by Csound, and renders to sane, audible audio.

The corpus is what the assistant retrieves and what users read, so a broken or silent example is a
bug. The index is `corpus/index.json` once merged, otherwise the parts `corpus/index-*.json`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from csound_lsp.csound.render import RenderReport, find_unsafe, render

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
#: Score seconds rendered per piece: enough to hear every piece start, short enough for ~120 pieces.
RENDER_SECONDS = 2.0
NEEDS_CSOUND = pytest.mark.skipif(shutil.which("csound") is None, reason="needs the csound command")
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*(?:/[a-z0-9]+(?:-[a-z0-9]+)*)+$")


def index_files() -> list[Path]:
    merged = CORPUS / "index.json"
    return [merged] if merged.is_file() else sorted(CORPUS.glob("index-*.json"))


def load_entries() -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    for path in index_files():
        data = json.loads(path.read_text(encoding="utf-8"))
        assert isinstance(data, list), f"{path.name} must hold a JSON list"
        entries.extend(data)
    return entries


ENTRIES = load_entries()
BY_ID = {str(entry.get("id")): entry for entry in ENTRIES}


def test_index_entries_are_well_formed() -> None:
    assert index_files(), "no corpus index found"
    ids = [entry.get("id") for entry in ENTRIES]
    duplicates = sorted({i for i in ids if ids.count(i) > 1}, key=str)
    assert not duplicates, f"duplicate ids: {duplicates}"
    for entry in ENTRIES:
        assert set(entry) >= {"id", "path", "title", "tags", "description"}, entry
        assert ID_PATTERN.match(entry["id"]), f"bad id {entry['id']!r}"
        assert entry["path"] == f"{entry['id']}.csd", f"{entry['id']}: path should be {entry['id']}.csd"
        assert isinstance(entry["title"], str) and entry["title"].strip(), entry["id"]
        assert isinstance(entry["description"], str) and len(entry["description"]) >= 20, entry["id"]
        assert isinstance(entry["tags"], list) and entry["tags"], entry["id"]
        bad_tags = [tag for tag in entry["tags"] if not isinstance(tag, str) or not tag or tag != tag.strip()]
        assert not bad_tags, f"{entry['id']}: bad tags {bad_tags}"


def test_every_csd_under_corpus_is_indexed() -> None:
    on_disk = {path.relative_to(CORPUS).as_posix() for path in CORPUS.rglob("*.csd")}
    indexed = {str(entry.get("path")) for entry in ENTRIES}
    assert sorted(on_disk - indexed) == [], "pieces missing from the index"


def piece_ids() -> list[str]:
    return sorted(BY_ID)


@dataclass(frozen=True)
class CsoundResults:
    """Csound's verdicts on one piece: the syntax check and the short render."""

    check_returncode: int
    check_output: str
    report: RenderReport


def run_csound(piece_id: str) -> CsoundResults:
    path = CORPUS / BY_ID[piece_id]["path"]
    # Never hand Csound a piece that could run code: the syntax check already reads the score.
    assert find_unsafe(path.read_text(encoding="utf-8"), path.parent) == [], f"{piece_id} is unsafe"
    check = subprocess.run(
        ["csound", "--syntax-check-only", "-+msg_color=0", "-m0", path.name],
        cwd=path.parent,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    report = render(path, seconds=RENDER_SECONDS, timeout=60.0)
    return CsoundResults(check.returncode, check.stdout + check.stderr, report)


@pytest.fixture(scope="session")
def csound_results(request: pytest.FixtureRequest) -> Iterator[dict[str, Future[CsoundResults]]]:
    """Runs Csound for every selected piece in a small process-parallel pool, once per session.

    Each Csound run is a separate process, so threads are enough to keep all cores busy.
    """
    selected = sorted(
        {
            str(item.callspec.params["piece_id"])
            for item in request.session.items
            if isinstance(item, pytest.Function)
            and item.module is not None
            and item.module.__name__ == __name__
            and hasattr(item, "callspec")
            and "piece_id" in item.callspec.params
        }
    )
    workers = max(1, min(4, os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {piece_id: pool.submit(run_csound, piece_id) for piece_id in selected}
        yield futures
        for future in futures.values():
            future.cancel()


@pytest.mark.parametrize("piece_id", piece_ids())
def test_piece_file_exists_and_is_safe(piece_id: str) -> None:
    path = CORPUS / BY_ID[piece_id]["path"]
    assert path.is_file(), f"{piece_id}: {path} is missing"
    text = path.read_text(encoding="utf-8")
    assert "<CsInstruments>" in text and "<CsScore" in text
    assert find_unsafe(text, path.parent) == [], f"{piece_id} must not need allow_unsafe"


@NEEDS_CSOUND
@pytest.mark.parametrize("piece_id", piece_ids())
def test_piece_passes_csound_syntax_check(
    piece_id: str, csound_results: dict[str, Future[CsoundResults]]
) -> None:
    results = csound_results[piece_id].result()
    assert results.check_returncode == 0, f"{piece_id}:\n{results.check_output}"


@NEEDS_CSOUND
@pytest.mark.parametrize("piece_id", piece_ids())
def test_piece_renders_audible_and_within_full_scale(
    piece_id: str, csound_results: dict[str, Future[CsoundResults]]
) -> None:
    report = csound_results[piece_id].result().report
    assert report.ok, f"{piece_id}: " + "\n".join(report.errors)
    assert report.duration >= 1.0, f"{piece_id}: only {report.summary()}"
    assert not report.non_finite, f"{piece_id}: NaN or inf in the output"
    assert not report.silent, f"{piece_id}: silent ({report.summary()})"
    assert report.peak <= 1.0, f"{piece_id}: beyond 0dbfs ({report.summary()})"
