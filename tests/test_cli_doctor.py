"""`csound-lsp doctor`: real Csound, the fake Ollama, a dead backend, an AI log."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from csound_lsp.cli import main
from csound_lsp.csound.discovery import candidates
from tests.fake_ollama import FakeModel, FakeOllama

needs_csound = pytest.mark.skipif(shutil.which("csound") is None, reason="needs Csound")


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CSOUND_LSP_LOG_DIR", str(tmp_path / "log"))
    monkeypatch.setenv("CSOUND_LSP_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("CSOUND_LSP_AI_HOST", "http://127.0.0.1:9")
    for name in (
        "CSOUND_LSP_AI_MODEL",
        "CSOUND_LSP_AI_COMPLETION_MODEL",
        "CSOUND_LSP_AI_ENABLED",
        "OLLAMA_HOST",
    ):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def doctor(capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, dict[str, dict[str, Any]]]:
    status = main(["doctor", "--format", "json", *extra])
    lines = json.loads(capsys.readouterr().out)
    return status, {line["topic"]: line for line in lines}


@needs_csound
def test_essentials_ok_without_ai(isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, lines = doctor(capsys)
    assert status == 0
    assert lines["grammar"]["status"] == "OK"
    assert lines["Csound library"]["status"] == "OK" and "Csound 6." in lines["Csound library"]["detail"]
    assert lines["compile checks"]["status"] == "OK"
    assert int(lines["opcodes (bundled)"]["detail"].split()[0]) > 1000
    assert int(lines["opcodes (installed)"]["detail"].split()[0]) > 1000
    ai = lines["AI backend"]
    assert ai["status"] == "INFO" and "127.0.0.1:9" in ai["detail"] and ai["hint"]
    assert lines["search index"]["status"] == "WARN" and "csound-lsp index" in lines["search index"]["hint"]
    assert lines["AI log"]["detail"].startswith(str(isolated / "log"))
    assert lines["AI usage"]["detail"] == "no AI log yet"


@needs_csound
def test_engine_line_says_which_csound_and_why(isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, lines = doctor(capsys, "--no-ai")
    assert status == 0
    engine = lines["Csound engine"]
    assert engine["status"] == "OK" and engine["detail"].startswith("Csound 6 (system")
    assert "auto prefers a system Csound" in engine["detail"]


@pytest.mark.skipif(not candidates("7"), reason="needs cycsound (Csound 7)")
def test_engine_7_is_the_bundled_library_and_compiles(
    isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, lines = doctor(capsys, "--no-ai", "--engine", "7")
    assert status == 0
    assert "Csound 7 (bundled" in lines["Csound engine"]["detail"]
    assert "cycsound" in lines["Csound engine"]["detail"]
    assert "Csound 7.0" in lines["Csound library"]["detail"]
    assert lines["compile checks"]["detail"].startswith("csound7 7000 compiles in a worker")


def test_a_bad_engine_is_a_clear_failure(isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, lines = doctor(capsys, "--no-ai", "--engine", "8")
    assert status == 1
    assert lines["Csound engine"]["status"] == "FAIL" and "auto, 6, 7" in lines["Csound engine"]["detail"]


@needs_csound
def test_models_and_their_fim_capability(
    isolated: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    models = (
        FakeModel("qwen2.5-coder:1.5b-base", capabilities=("completion", "insert")),
        FakeModel("qwen2.5-coder:7b-instruct", capabilities=("completion",)),
    )
    with FakeOllama(models=models) as server:
        monkeypatch.setenv("CSOUND_LSP_AI_HOST", server.url)
        status, lines = doctor(capsys, "--no-ai")
        assert "AI backend" not in lines
        status, lines = doctor(capsys)
    assert status == 0
    assert lines["AI backend"]["status"] == "OK" and "0.6.5" in lines["AI backend"]["detail"]
    assert lines["model (completion)"]["status"] == "OK"
    assert "native (insert)" in lines["model (completion)"]["detail"]
    assert lines["model (chat)"]["status"] == "OK"
    embedding = lines["model (embedding)"]
    assert embedding["status"] == "WARN" and "ollama pull nomic-embed-text" in embedding["hint"]


@needs_csound
def test_completion_model_without_fim_is_a_warning(
    isolated: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CSOUND_LSP_AI_COMPLETION_MODEL", "mystery-model:1b")
    with FakeOllama() as server:
        monkeypatch.setenv("CSOUND_LSP_AI_HOST", server.url)
        status, lines = doctor(capsys)
    assert status == 0
    assert lines["model (completion)"]["status"] == "WARN"
    assert "no fill-in-the-middle" in lines["model (completion)"]["detail"]


def test_missing_csound_library_fails(
    isolated: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CSOUND_LSP_NO_CSOUND", "1")
    status, lines = doctor(capsys, "--no-ai")
    assert status == 1
    assert lines["compile checks"]["status"] == "FAIL"


@needs_csound
def test_ai_log_numbers(isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = isolated / "log"
    log.mkdir()
    records = [
        {"kind": "inline", "timings": {"total_ms": ms, "first_token_ms": ms / 2}, "shown": [f"s{n}"]}
        for n, ms in enumerate([100, 200, 300, 400])
    ] + [{"kind": "accepted", "id": "s1"}]
    (log / "ai.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    status, lines = doctor(capsys, "--no-ai")
    assert status == 0
    assert lines["acceptance"]["detail"] == "25% of 4 inline suggestions accepted"
    assert "p50 200 ms, p95 400 ms" in lines["latency (inline)"]["detail"]


@needs_csound
def test_text_output_has_one_status_per_line(isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor", "--no-ai"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out and all(
        line.split()[0] in ("OK", "WARN", "FAIL") or line.strip().startswith("->") for line in out
    )
