"""`csound-lsp index` and `csound-lsp search` as a user runs them, in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.retrieval_fixtures import write_corpus


def _run(*args: str, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CSOUND_LSP_CACHE_DIR": str(cache), "CSOUND_LSP_AI_HOST": "http://127.0.0.1:9"}
    return subprocess.run(
        [sys.executable, "-m", "csound_lsp", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture
def indexed(tmp_path: Path) -> tuple[Path, Path]:
    corpus = write_corpus(tmp_path / "corpus")
    cache = tmp_path / "cache"
    done = _run("index", "--no-corpus", "--no-manual", "--folder", str(corpus), cache=cache)
    assert done.returncode == 0, done.stderr
    return corpus, cache


def test_index_reports_counts_and_plain_progress_lines(indexed: tuple[Path, Path]) -> None:
    corpus, cache = indexed
    again = _run("index", "--no-corpus", "--no-manual", "--folder", str(corpus), cache=cache)
    assert again.returncode == 0
    assert "indexed 3 files (0 changed, 3 unchanged, 0 removed)" in again.stdout
    assert "\r" not in again.stderr  # not a terminal: no bar, plain lines
    assert "csound-lsp: chunk (3)" in again.stderr.splitlines()
    # The AI host is dead: the index says why, and uses the built-in embedding model instead.
    assert "No AI backend" in again.stderr or "failed" in again.stderr
    assert "using the built-in embedding model instead" in again.stderr
    assert (cache / "retrieval" / "manifest.json").exists()
    manifest = json.loads((cache / "retrieval" / "manifest.json").read_text())
    assert str(manifest.get("model", "")).startswith("csound-static-")


def test_index_without_embeddings_says_keyword_only(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    done = _run(
        "index", "--no-embed", "--no-corpus", "--no-manual", "--folder", str(corpus), cache=tmp_path / "c"
    )
    assert done.returncode == 0, done.stderr
    assert "keyword search only" in done.stderr


def test_search_json_lists_ranked_chunks(indexed: tuple[Path, Path]) -> None:
    corpus, cache = indexed
    done = _run(
        "search",
        "fm bell decaying index",
        "--top",
        "2",
        "--format",
        "json",
        "--no-corpus",
        "--no-manual",
        "--folder",
        str(corpus),
        cache=cache,
    )
    assert done.returncode == 0, done.stderr
    hits = json.loads(done.stdout)
    assert 1 <= len(hits) <= 2
    assert {"path", "start_line", "end_line", "score", "text"} <= set(hits[0])
    assert hits[0]["path"].endswith("fm-bell.csd")
    assert "foscili" in hits[0]["text"]
    assert hits[0]["score"] >= hits[-1]["score"]
    lines = Path(hits[0]["path"]).read_text().splitlines()
    assert "\n".join(lines[hits[0]["start_line"] - 1 : hits[0]["end_line"]]) == hits[0]["text"]
    assert "Keyword search only" not in done.stderr  # hybrid with the built-in model


def test_search_text_format_and_bad_usage(indexed: tuple[Path, Path], tmp_path: Path) -> None:
    corpus, cache = indexed
    done = _run("search", "deltapi echo", "--no-corpus", "--no-manual", "--folder", str(corpus), cache=cache)
    assert done.returncode == 0
    first = done.stdout.splitlines()[0]
    assert first.startswith("1. ") and "echo.csd:" in first and "(score " in first
    assert _run("search", "x", "--top", "0", cache=cache).returncode == 2
    empty = _run("search", "anything", cache=tmp_path / "empty-cache")
    assert empty.returncode == 2 and "csound-lsp index" in empty.stderr
