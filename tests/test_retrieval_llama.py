"""Hybrid retrieval with real embeddings: llama-server (Gemma 3 270M) through the AI layer's backend.

Skipped when `../shared/tools/llama-server` is not there. The model is tiny, so this checks the real
plumbing (vectors from a real server, stored, searched, fused), not the quality of its embeddings.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from csound_lsp.ai.service import create_backend
from csound_lsp.retrieval import BackendEmbedder, RetrievalEngine, Sources
from csound_lsp.settings import parse_ai_settings
from tests.retrieval_fixtures import OPCODES, write_corpus

pytestmark = pytest.mark.timeout(900)

TOOL = Path(__file__).resolve().parents[1].parent / "shared" / "tools" / "llama-server"
MODEL = "gemma3-270m"


@pytest.fixture(scope="module")
def llama_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    given = os.environ.get("CSOUND_LSP_TEST_LLAMA_URL")
    if given:
        yield given
        return
    if not TOOL.exists():
        pytest.skip(f"{TOOL} is missing: this test needs ../shared/tools/llama-server")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    log_path = tmp_path_factory.mktemp("llama") / "llama-server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(TOOL), str(port), "-b", "2048", "-ub", "2048"], stdout=log, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 600
        while True:
            if process.poll() is not None:
                pytest.skip(f"llama-server exited with {process.returncode}: see {log_path}")
            try:
                if httpx.get(f"{url}/health", timeout=2.0).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"llama-server was not ready within 600 s; see {log_path}")
            time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def test_hybrid_search_with_real_embeddings(llama_url: str, tmp_path: Path) -> None:
    # Generous timeouts: on a loaded 2-core machine one batch of chunks can take a minute.
    raw = {"models": {"embedding": MODEL}, "timeouts": {"first_token_s": 600, "total_s": 900}}
    settings, problems = parse_ai_settings(
        raw, {"CSOUND_LSP_AI_BACKEND": "openai", "CSOUND_LSP_AI_HOST": llama_url}
    )
    assert problems == []
    embedder = BackendEmbedder.for_backend(create_backend(settings), MODEL)
    corpus = write_corpus(tmp_path / "corpus")
    sources = Sources(corpus_dir=str(corpus), include_manual=False)
    engine = RetrievalEngine(sources, embedder=embedder, cache_dir=tmp_path / "cache", opcodes=OPCODES)
    report = engine.build()
    assert report.mode == "hybrid", report.notices
    assert report.embedded == report.chunks > 0
    assert embedder.dimension > 0

    result = engine.search("FM bell with decaying index", top=3)
    assert result.mode == "hybrid" and result.notice is None
    assert any(h.dense_rank is not None for h in result.hits)
    assert result.hits[0].chunk.path.endswith("fm-bell.csd")

    # A second engine reads the stored vectors: nothing is embedded again, and search still fuses.
    again = RetrievalEngine(sources, embedder=embedder, cache_dir=tmp_path / "cache", opcodes=OPCODES)
    assert again.load() is None
    assert again.build().embedded == 0
    assert again.search("plucked string", top=1).mode == "hybrid"
