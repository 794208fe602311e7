"""Real Neovim 0.12 (headless, real main loop) with editors/neovim: diagnostics, tree-sitter, hover,
completion, inline completion."""

from __future__ import annotations

import json

import pytest

from tests.editors.conftest import (
    BROKEN_CSD,
    BROKEN_LINE,
    HERE,
    ROOT,
    SERVER_COMMAND,
    ServerFeatures,
    ai_settings,
    has_cc,
    require_client,
    run_checked,
)

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def nvim_result(
    tmp_path_factory: pytest.TempPathFactory, server_features: ServerFeatures, model_server
) -> dict:
    """One Neovim run for the whole module; each test reads its part."""
    nvim = require_client("nvim.sh")
    tmp_path = tmp_path_factory.mktemp("nvim")
    if not has_cc():
        pytest.skip("no C compiler to build the tree-sitter parsers")
    document = tmp_path / "broken.csd"
    document.write_text(BROKEN_CSD.read_text())
    result_file = tmp_path / "result.json"
    env = {
        "CSLSP_PLUGIN": str(ROOT / "editors" / "neovim"),
        "CSLSP_CMD": json.dumps(SERVER_COMMAND),
        "CSLSP_SETTINGS": json.dumps(ai_settings(model_server)),
        "CSLSP_FILE": str(document),
        "CSLSP_RESULT": str(result_file),
        "CSLSP_PARSER_DIR": str(tmp_path / "ts"),
        "CSLSP_AI": "1" if model_server else "",
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }
    run = run_checked(
        [str(nvim), "--headless", "--clean", "-S", str(HERE / "nvim_check.lua")], env, 240, tmp_path
    )
    assert result_file.exists(), f"nvim wrote no result: {run.stdout} {run.stderr}"
    result = json.loads(result_file.read_text())
    result["_server_features"] = server_features
    result["_model"] = model_server
    return result


def test_filetype_diagnostics_and_treesitter(nvim_result: dict) -> None:
    steps = nvim_result["steps"]
    assert "error" not in steps, steps.get("error")
    assert steps["filetype"] == "csound"
    assert steps["server"]["name"] == "csound-lsp"
    errors = [d for d in steps["diagnostics"] if d["severity"] == 1]
    assert any(d["lnum"] == BROKEN_LINE for d in errors), steps["diagnostics"]
    assert steps["treesitter"]["active"], "our parser did not load"
    if (ROOT / "grammars" / "tree-sitter-csound" / "queries" / "highlights.scm").exists():
        assert steps["treesitter"]["captures_at_instr"], "highlights.scm gave no capture on `instr`"


def test_hover(nvim_result: dict) -> None:
    if not nvim_result["_server_features"].has("hoverProvider"):
        pytest.skip("waiting on the server: no hoverProvider yet")
    hover = nvim_result["steps"].get("hover")
    assert hover and "oscil" in hover, hover


def test_completion(nvim_result: dict) -> None:
    if not nvim_result["_server_features"].has("completionProvider"):
        pytest.skip("waiting on the server: no completionProvider yet")
    assert "oscili" in nvim_result["steps"].get("completion", [])


def test_inline_completion_accepted(nvim_result: dict) -> None:
    if not nvim_result["_server_features"].has("inlineCompletionProvider"):
        pytest.skip("waiting on the server: no inlineCompletionProvider yet")
    if nvim_result["_model"] is None:
        pytest.skip("no model server (shared/tools/llama-server) for inline completion")
    inline = nvim_result["steps"].get("inline_completion")
    assert inline, "no inline completion was shown and accepted"
    accepted = "\n".join(inline["accepted"])
    assert accepted.startswith(inline["typed"]) and len(accepted) > len(inline["typed"]), inline
