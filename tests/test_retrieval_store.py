"""The persistent index: incremental updates, model changes, damage detection, cancellation."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from csound_lsp.retrieval import Cancelled, HashingEmbedder, Progress, RetrievalEngine, Sources
from csound_lsp.retrieval.dense import EmbedKind, Matrix
from csound_lsp.retrieval.store import CHUNKS, MANIFEST, VECTORS, IndexCorrupt, atomic_write, load_index
from tests.retrieval_fixtures import ECHO, OPCODES, write_corpus


class CountingEmbedder(HashingEmbedder):
    """Counts how many texts it was asked to embed."""

    def __init__(self, dimension: int = 64, name: str = "") -> None:
        super().__init__(dimension)
        self.texts: list[str] = []
        self._name = name

    @property
    def model_name(self) -> str:
        return self._name or super().model_name

    def embed(self, texts: Sequence[str], kind: EmbedKind) -> Matrix:
        self.texts.extend(texts)
        return super().embed(texts, kind)


def _engine(tmp_path: Path, embedder: CountingEmbedder | None) -> RetrievalEngine:
    sources = Sources(corpus_dir=str(tmp_path / "corpus"), include_manual=False)
    return RetrievalEngine(sources, embedder=embedder, cache_dir=tmp_path / "cache", opcodes=OPCODES)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "corpus")


def test_incremental_update_touches_only_changed_files(tmp_path: Path, corpus: Path) -> None:
    first = CountingEmbedder()
    report = _engine(tmp_path, first).build()
    assert (report.files, report.changed, report.reused) == (3, 3, 0)
    assert len(first.texts) == report.chunks

    second = CountingEmbedder()
    report = _engine(tmp_path, second).build()
    assert (report.changed, report.reused, report.embedded) == (0, 3, 0)
    assert second.texts == []

    (corpus / "echo.csd").write_text(ECHO.replace("deltapi 0.3", "deltapi 0.45"))
    (corpus / "fm-bell.csd").unlink()
    (corpus / "extra.orc").write_text("instr 9\n  a1 vco2 0.1, 330\n  outs a1, a1\nendin\n")
    third = CountingEmbedder()
    engine = _engine(tmp_path, third)
    report = engine.build()
    assert (report.files, report.changed, report.reused, report.removed) == (3, 2, 1, 1)
    assert third.texts and all("Plucked" not in text for text in third.texts)
    assert {c.path.rsplit("/", 1)[1] for c in engine._snapshot.chunks} == {  # type: ignore[union-attr]
        "pluck-body.csd",
        "echo.csd",
        "extra.orc",
    }
    hit = engine.search("deltapi echo", top=1).hits[0]
    assert "deltapi 0.45" in hit.chunk.text


def test_unchanged_bytes_with_a_new_timestamp_are_not_rechunked(tmp_path: Path, corpus: Path) -> None:
    _engine(tmp_path, CountingEmbedder()).build()
    stat = (corpus / "echo.csd").stat()
    os.utime(corpus / "echo.csd", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10_000_000_000))
    again = CountingEmbedder()
    report = _engine(tmp_path, again).build()
    assert (report.changed, report.reused) == (0, 3) and again.texts == []


def test_a_new_embedding_model_re_embeds_everything(tmp_path: Path, corpus: Path) -> None:
    _engine(tmp_path, CountingEmbedder(64, "model-a")).build()
    other = CountingEmbedder(32, "model-b")
    engine = _engine(tmp_path, other)
    notice = engine.load()
    assert notice is not None and "model-a" in notice  # served keyword-only until rebuilt
    assert engine.search("bell").mode == "bm25"
    report = engine.build()
    assert report.embedded == report.chunks == len(other.texts)
    assert any("model-a to model-b" in n for n in report.notices)
    stored = load_index(tmp_path / "cache")
    assert stored is not None and stored.model == "model-b" and stored.dimension == 32
    assert engine.search("bell").mode == "hybrid"


@pytest.mark.parametrize("damage", ["truncate-vectors", "garble-chunks", "manifest", "missing-manifest"])
def test_a_damaged_index_is_detected_and_rebuilt(tmp_path: Path, corpus: Path, damage: str) -> None:
    _engine(tmp_path, CountingEmbedder()).build()
    cache = tmp_path / "cache"
    if damage == "truncate-vectors":
        data = (cache / VECTORS).read_bytes()
        (cache / VECTORS).write_bytes(data[: len(data) // 2])
    elif damage == "garble-chunks":
        (cache / CHUNKS).write_text('[{"path": 1}]')
    elif damage == "manifest":
        (cache / MANIFEST).write_text('{"format": 1, "checks')
    else:
        (cache / MANIFEST).unlink()
    with pytest.raises(IndexCorrupt):
        load_index(cache)
    engine = _engine(tmp_path, CountingEmbedder())
    notice = engine.load()
    assert notice is not None and "damaged" in notice and not engine.ready
    report = engine.build()
    assert any("damaged" in n and "rebuilt" in n for n in report.notices)
    assert report.changed == 3 and report.embedded == report.chunks
    assert load_index(cache) is not None
    assert engine.search("bell").hits


def test_a_failed_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "file.bin"
    atomic_write(target, b"old")

    def full_disk(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("csound_lsp.retrieval.store.os.fsync", full_disk)
    with pytest.raises(OSError):
        atomic_write(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["file.bin"]


def test_progress_is_reported_and_cancel_keeps_the_old_index(tmp_path: Path, corpus: Path) -> None:
    steps: list[Progress] = []
    engine = _engine(tmp_path, CountingEmbedder())
    engine.build(progress=steps.append)
    phases = [s.phase for s in steps]
    assert phases[0] == "scan" and "chunk" in phases and "embed" in phases and phases[-1] == "save"
    assert all(0 <= s.done <= s.total for s in steps)
    before = json.loads((tmp_path / "cache" / MANIFEST).read_text())

    (corpus / "echo.csd").write_text(ECHO + "\n; changed\n")
    cancel = threading.Event()

    def cancel_while_chunking(step: Progress) -> None:
        if step.phase == "chunk":
            cancel.set()

    with pytest.raises(Cancelled):
        _engine(tmp_path, CountingEmbedder()).build(progress=cancel_while_chunking, cancel=cancel)
    assert json.loads((tmp_path / "cache" / MANIFEST).read_text()) == before


def test_unreadable_and_binary_files_are_skipped_with_a_reason(tmp_path: Path, corpus: Path) -> None:
    (corpus / "noise.csd").write_bytes(b"\x00\x01binary\x00")
    (corpus / "gone.orc").symlink_to(corpus / "does-not-exist.orc")
    report = _engine(tmp_path, None).build()
    assert any("binary" in s for s in report.skipped)
    assert any("gone.orc" in s for s in report.skipped)
    assert report.chunks > 0
    vectors = load_index(tmp_path / "cache")
    assert vectors is not None and vectors.vectors is None
    assert np.isfinite(report.size_bytes)
