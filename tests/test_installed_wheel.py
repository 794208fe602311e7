"""The wheel is the product: build the sdist and the wheel from this checkout (`python -m build`), install the
wheel into a clean venv outside the checkout, and drive every command a user meets first from another folder.

Nothing here may read the checkout: the venv has no path to it, the commands run in a temporary folder, and
the answers are checked for coming from the installed package data (the corpus, the grammar's queries).
The same wheel is installed with `pipx` and `uv tool` as the README documents.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.lsp_process import LspProcess

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "broken-fm.csd"
pytestmark = pytest.mark.timeout(900)


def clean_env(**extra: str) -> dict[str, str]:
    """The user's environment without anything pointing back at this checkout or its venv."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "CSOUND_LSP"))}
    env["PATH"] = os.pathsep.join(
        p for p in env.get("PATH", "").split(os.pathsep) if p and not p.startswith(str(ROOT))
    )
    env["CSOUND_LSP_AI_HOST"] = "http://127.0.0.1:9"
    env.update(extra)
    return env


def run(
    command: list[str], cwd: Path, env: dict[str, str], timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """sdist first, then the wheel built from that sdist: proves the sdist carries everything too."""
    pytest.importorskip("build")
    dist = tmp_path_factory.mktemp("dist")
    done = run([sys.executable, "-m", "build", "--outdir", str(dist), str(ROOT)], ROOT, dict(os.environ))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    wheels = list(dist.glob("csound_lsp-*.whl"))
    assert len(wheels) == 1 and list(dist.glob("csound_lsp-*.tar.gz")), list(dist.iterdir())
    return wheels[0]


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh venv (no system site-packages) with only the wheel and its dependencies: its bin folder."""
    home = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(with_pip=True, clear=True).create(home)
    bin_dir = home / "bin"
    done = run([str(bin_dir / "python"), "-m", "pip", "install", "-q", str(wheel)], home, clean_env())
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    yield bin_dir


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    shutil.copy(EXAMPLE, tmp_path / "broken.csd")
    return tmp_path


def test_the_package_comes_from_the_venv_and_carries_its_data(installed: Path, elsewhere: Path) -> None:
    script = (
        "import csound_lsp, pathlib, json; p = pathlib.Path(csound_lsp.__file__).parent; "
        "print(json.dumps([str(p), (p / 'data/corpus/index.json').is_file(), "
        "(p / 'data/queries/highlights.scm').is_file(), len(list((p / 'data/corpus').rglob('*.csd'))), "
        "(p / 'data/opcode_vocabulary.json').is_file()]))"
    )
    done = run([str(installed / "python"), "-c", script], elsewhere, clean_env())
    assert done.returncode == 0, done.stderr
    package, has_index, has_queries, pieces, has_vocabulary = json.loads(done.stdout)
    assert str(ROOT) not in package and "site-packages" in package
    assert has_index and has_queries and has_vocabulary
    assert pieces == len(list((ROOT / "corpus").rglob("*.csd")))


def test_check_reports_errors(installed: Path, elsewhere: Path) -> None:
    done = run([str(installed / "csound-lsp"), "check", "broken.csd"], elsewhere, clean_env())
    assert done.returncode == 1, done.stderr
    assert "missing endin for instr 1" in done.stdout
    assert "unknown opcode 'oscilli'" in done.stdout
    assert "Traceback" not in done.stderr


def test_terminal_colours_come_from_the_bundled_queries(installed: Path, elsewhere: Path) -> None:
    script = (
        "from csound_lsp.cli.highlight import highlights_path, highlight, _query, FileKind; "
        "print(highlights_path()); print(_query(FileKind.ORC) is not None); "
        "print(repr(highlight('instr 1\\n a1 oscili 0.5, 440\\nendin\\n')))"
    )
    done = run([str(installed / "python"), "-c", script], elsewhere, clean_env())
    assert done.returncode == 0, done.stderr
    path, loaded, painted = done.stdout.splitlines()[:3]
    assert "site-packages" in path and path.endswith("data/queries/highlights.scm")
    assert loaded == "True"
    assert "\\x1b[" in painted


def test_index_and_search_include_the_bundled_corpus(installed: Path, elsewhere: Path) -> None:
    cache = elsewhere / "index"
    base = ["--cache-dir", str(cache), "--no-manual", "--no-embed"]
    built = run([str(installed / "csound-lsp"), "index", *base], elsewhere, clean_env())
    assert built.returncode == 0, built.stderr
    pieces = len(list((ROOT / "corpus").rglob("*.csd")))
    assert f"indexed {pieces} files" in built.stdout, built.stdout
    found = run(
        [str(installed / "csound-lsp"), "search", *base, "--top", "3", "--format", "json", "plate reverb"],
        elsewhere,
        clean_env(),
    )
    assert found.returncode == 0, found.stderr
    results = json.loads(found.stdout)
    assert results and all("site-packages" in r["path"] and "data/corpus" in r["path"] for r in results)


def test_default_search_is_hybrid_with_the_built_in_model(installed: Path, elsewhere: Path) -> None:
    """No AI backend (the address in clean_env is dead): indexing falls back to the shipped static
    model, and `search --top 5 --format json` fuses keywords and its embeddings."""
    base = ["--cache-dir", str(elsewhere / "index"), "--no-manual"]
    built = run([str(installed / "csound-lsp"), "index", *base], elsewhere, clean_env())
    assert built.returncode == 0, built.stderr
    assert "mode hybrid" in built.stdout and "built-in embedding model" in built.stderr, (
        built.stdout + built.stderr
    )
    query = "a warm pad that slowly opens up like an analogue filter sweep"
    found = run(
        [str(installed / "csound-lsp"), "search", *base, "--top", "5", "--format", "json", query],
        elsewhere,
        clean_env(),
    )
    assert found.returncode == 0, found.stderr
    assert "Keyword search only" not in found.stderr
    assert len(json.loads(found.stdout)) == 5
    # The same engine the command builds, asked which rankings took part and which model made the index.
    script = (
        "import argparse, json, sys; from csound_lsp.cli import search, index; "
        "p = argparse.ArgumentParser(); sub = p.add_subparsers(); search.add_parser(sub); "
        "a = p.parse_args(['search', *sys.argv[1:]]); e = index.engine_from(a); e.load(); "
        "r = e.search(a.query, top=5); "
        "print(json.dumps([r.mode, e.index_model, sum(h.dense_rank is not None for h in r.hits)]))"
    )
    probe = run([str(installed / "python"), "-c", script, *base, query], elsewhere, clean_env())
    assert probe.returncode == 0, probe.stderr
    mode, model, from_dense = json.loads(probe.stdout)
    assert mode == "hybrid" and model.startswith("csound-static-minilm") and from_dense >= 1


def test_dataset_export_works_outside_the_checkout(installed: Path, elsewhere: Path) -> None:
    out = elsewhere / "pairs.jsonl"
    done = run(
        [str(installed / "csound-lsp"), "dataset", "export", "-o", str(out), "--limit", "12"],
        elsewhere,
        clean_env(),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    pairs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert pairs and all(isinstance(p, dict) for p in pairs)


def test_render_and_doctor(installed: Path, elsewhere: Path) -> None:
    if shutil.which("csound") is None:
        pytest.skip("no Csound on this machine")
    piece = sorted((ROOT / "corpus" / "instruments").glob("*.csd"))[0]
    shutil.copy(piece, elsewhere / "piece.csd")
    rendered = run(
        [str(installed / "csound-lsp"), "render", "piece.csd", "--seconds", "1", "-o", "out.wav"],
        elsewhere,
        clean_env(),
    )
    assert rendered.returncode == 0, rendered.stdout + rendered.stderr
    assert (elsewhere / "out.wav").stat().st_size > 1000
    doctor = run([str(installed / "csound-lsp"), "doctor"], elsewhere, clean_env())
    assert "Traceback" not in doctor.stderr
    assert "grammar" in doctor.stdout and "opcodes" in doctor.stdout and "Csound" in doctor.stdout


async def test_serve_answers_hover_over_stdio(installed: Path, elsewhere: Path) -> None:
    server = await LspProcess.start(
        command=[str(installed / "csound-lsp"), "serve"], env=clean_env(), cwd=elsewhere
    )
    try:
        await server.initialize(root=elsewhere)
        uri = (elsewhere / "broken.csd").as_uri()
        server.open(uri, EXAMPLE.read_text(encoding="utf-8"))
        published = await server.wait_for_diagnostics(uri, 1)
        assert any("missing endin" in d["message"] for d in published.diagnostics)
        line = next(i for i, text in enumerate(EXAMPLE.read_text().splitlines()) if "madsr" in text)
        column = EXAMPLE.read_text().splitlines()[line].index("madsr") + 1
        hover = await server.request(
            "textDocument/hover",
            {"textDocument": {"uri": uri}, "position": {"line": line, "character": column}},
        )
        assert hover.error is None and "madsr" in json.dumps(hover.result)
        await server.shutdown()
    finally:
        await server.kill()


@pytest.mark.parametrize("tool", ["pipx", "uv"])
def test_tool_installers(tool: str, wheel: Path, tmp_path: Path) -> None:
    """`pipx install` and `uv tool install` of the same wheel give a working `csound-lsp` on their bin."""
    found = shutil.which(tool) or str(Path(sys.executable).parent / tool)
    if not Path(found).exists():
        pytest.skip(f"{tool} not installed (it is in the dev extras)")
    bin_dir = tmp_path / "bin"
    env = clean_env(
        PIPX_HOME=str(tmp_path / "pipx"),
        PIPX_BIN_DIR=str(bin_dir),
        UV_TOOL_DIR=str(tmp_path / "uv-tools"),
        UV_TOOL_BIN_DIR=str(bin_dir),
    )
    command = [found, "install", str(wheel)] if tool == "pipx" else [found, "tool", "install", str(wheel)]
    done = run(command, tmp_path, env)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    shutil.copy(EXAMPLE, tmp_path / "broken.csd")
    checked = run([str(bin_dir / "csound-lsp"), "check", "--no-csound", "broken.csd"], tmp_path, env)
    assert checked.returncode == 1 and "missing endin" in checked.stdout, checked.stderr
