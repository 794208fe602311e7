"""`csound-lsp modelfile`: an Ollama Modelfile for a fine-tuned GGUF."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from csound_lsp.cli import main


def fake_gguf(folder: Path) -> Path:
    path = folder / "models" / "csound-coder.Q4_K_M.gguf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"GGUF" + b"\x03\x00\x00\x00" + bytes(64))
    return path


def test_writes_a_modelfile(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gguf = fake_gguf(tmp_path)
    out = tmp_path / "Modelfile"
    assert main(["modelfile", "--gguf", str(gguf), "--name", "csound-coder", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.splitlines()[1] == "FROM ./models/csound-coder.Q4_K_M.gguf"
    assert 'TEMPLATE """' in text and "<|fim_prefix|>" in text and "<|im_start|>assistant" in text
    assert 'SYSTEM """' in text and "0dbfs = 1" in text
    parameters = dict(re.findall(r"^PARAMETER (\w+) (.+)$", text, re.M))
    assert float(parameters["temperature"]) <= 0.3
    assert int(parameters["num_ctx"]) >= 4096
    stops = re.findall(r'^PARAMETER stop "(.+)"$', text, re.M)
    assert "<|im_end|>" in stops and "<|endoftext|>" in stops
    assert text.count('"""') == 4  # template and system are closed
    assert "ollama create csound-coder -f" in capsys.readouterr().out


def test_gguf_outside_the_folder_gets_an_absolute_path(tmp_path: Path) -> None:
    gguf = fake_gguf(tmp_path / "elsewhere")
    (tmp_path / "here").mkdir()
    out = tmp_path / "here" / "Modelfile"
    assert main(["modelfile", "--gguf", str(gguf), "-o", str(out)]) == 0
    assert f"FROM {gguf.resolve()}" in out.read_text(encoding="utf-8")


def test_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["modelfile", "--gguf", str(tmp_path / "none.gguf")]) == 2
    assert "no such file" in capsys.readouterr().err
    not_gguf = tmp_path / "weights.gguf"
    not_gguf.write_bytes(b"PK\x03\x04 not a model")
    assert main(["modelfile", "--gguf", str(not_gguf)]) == 2
    assert "not a GGUF" in capsys.readouterr().err
    gguf = fake_gguf(tmp_path)
    assert main(["modelfile", "--gguf", str(gguf), "--name", "Bad Name!"]) == 2
    assert "not a valid Ollama model name" in capsys.readouterr().err
    assert main(["modelfile", "--gguf", str(gguf), "-o", str(tmp_path / "no" / "dir" / "Modelfile")]) == 2
