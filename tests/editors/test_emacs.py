"""Real Emacs 30 (batch) with editors/emacs: csound-ts-mode (tree-sitter font-lock and indentation) and
csound-lsp through Eglot (flymake diagnostics, hover, completion)."""

from __future__ import annotations

import json

import pytest

from tests.editors.conftest import (
    BROKEN_CSD,
    BROKEN_LINE,
    HERE,
    ROOT,
    SERVER_COMMAND,
    SERVER_SETTINGS,
    ServerFeatures,
    has_cc,
    require_client,
    run_checked,
)

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def emacs_result(tmp_path_factory: pytest.TempPathFactory, server_features: ServerFeatures) -> dict:
    """One Emacs run for the whole module (`emacs --batch -q`: Debian's site-start needs -q, not -Q)."""
    emacs = require_client("emacs.sh")
    if not has_cc():
        pytest.skip("no C compiler to build the tree-sitter parsers")
    tmp_path = tmp_path_factory.mktemp("emacs")
    document = tmp_path / "broken.csd"
    document.write_text(BROKEN_CSD.read_text())
    result_file = tmp_path / "result.json"
    env = {
        "CSLSP_PLUGIN": str(ROOT / "editors" / "emacs"),
        "CSLSP_CMD": json.dumps(SERVER_COMMAND),
        "CSLSP_SETTINGS": json.dumps(SERVER_SETTINGS),
        "CSLSP_FILE": str(document),
        "CSLSP_RESULT": str(result_file),
        "CSLSP_PARSER_DIR": str(tmp_path / "ts"),
        "HOME": str(tmp_path),
    }
    run = run_checked([str(emacs), "--batch", "-q", "-l", str(HERE / "emacs_check.el")], env, 240, tmp_path)
    assert result_file.exists(), f"emacs wrote no result: {run.stdout} {run.stderr}"
    result = json.loads(result_file.read_text())
    result["_server_features"] = server_features
    return result


def test_mode_treesit_and_indentation(emacs_result: dict) -> None:
    steps = emacs_result["steps"]
    assert steps["major_mode"] == "csound-ts-mode"
    assert steps["treesit_language"] == "csound"
    assert steps["font_lock_rules"] > 0
    assert "keyword" in steps["face_at_instr"], steps["face_at_instr"]
    assert steps["indent_in_instr"] == 2
    assert steps["indent_endin"] == 0


def test_flymake_diagnostics_through_eglot(emacs_result: dict) -> None:
    steps = emacs_result["steps"]
    assert "error" not in steps, steps.get("error")
    assert steps["server"] == "csound-lsp"
    errors = [d for d in steps["diagnostics"] if "error" in d["type"]]
    assert any(d["line"] == BROKEN_LINE + 1 for d in errors), steps["diagnostics"]


def test_hover(emacs_result: dict) -> None:
    if not emacs_result["_server_features"].has("hoverProvider"):
        pytest.skip("waiting on the server: no hoverProvider yet")
    hover = emacs_result["steps"].get("hover")
    assert hover and "oscil" in hover, hover


def test_completion(emacs_result: dict) -> None:
    if not emacs_result["_server_features"].has("completionProvider"):
        pytest.skip("waiting on the server: no completionProvider yet")
    assert "oscili" in emacs_result["steps"].get("completion", [])
