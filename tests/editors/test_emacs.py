"""Real Emacs 30 (batch) with editors/emacs: csound-ts-mode (tree-sitter font-lock and indentation) and
csound-lsp through Eglot (flymake diagnostics, hover, completion); then, as a user would, typing lines
with completion asked at each word and eldoc at each pause (no AI message without a backend), moving
through a call's arguments (signature help without timer errors), and hover whole in eldoc."""

from __future__ import annotations

import json
import os
import re
import socket

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


#: Anything of this in *Messages* means eldoc's signature display failed (Emacs 30's Eglot slices the
#: signature label with parameter offsets plus one).
TIMER_ERRORS = re.compile(r"Error running timer|args-out-of-range")
#: The server's AI notice names these; none of them should reach a user who set up no AI.
AI_WORDS = re.compile(r"\bAI\b|backend|ollama|11434", re.IGNORECASE)


def test_signature_help_in_eldoc_without_timer_errors(emacs_result: dict) -> None:
    if not emacs_result["_server_features"].has("signatureHelpProvider"):
        pytest.skip("waiting on the server: no signatureHelpProvider yet")
    steps = emacs_result["steps"]
    assert "error" not in steps, steps.get("error")
    assert not TIMER_ERRORS.search(steps["messages"]), steps["messages"]
    shown = steps["signature_eldoc"]
    assert len(shown) == 8 and all(isinstance(s["doc"], str) for s in shown), shown
    assert all(s["doc"].startswith("xSig oscili xamp:k, xcps:k") for s in shown), shown
    # the highlighted argument follows the cursor: `0.3` is the amplitude, `440` the frequency
    assert shown[0]["active"] == "xamp:k" and shown[-1]["active"] == "xcps:k", shown


def test_hover_shows_whole_text_in_eldoc(emacs_result: dict) -> None:
    features = emacs_result["_server_features"]
    if not features.has("hoverProvider"):
        pytest.skip("waiting on the server: no hoverProvider yet")
    steps = emacs_result["steps"]
    for key in ("hover_eldoc", "eldoc_buffer"):
        text = steps[key]
        assert isinstance(text, str), (key, text)
        missing = [line for line in features.hover_text.splitlines() if line.strip() not in text]
        assert not missing, (key, missing)


def _ai_backend_exists() -> bool:
    if os.environ.get("CSOUND_LSP_AI_HOST"):
        return True
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", 11434)) == 0


def test_no_ai_message_while_typing(emacs_result: dict) -> None:
    if _ai_backend_exists():
        pytest.skip("an AI backend answers on this machine (127.0.0.1:11434 or CSOUND_LSP_AI_HOST)")
    steps = emacs_result["steps"]
    assert "error" not in steps, steps.get("error")
    assert steps["typed_lines"] == [
        "  kEnv linseg 0, 0.5, 1",
        "  aNew vco2 kEnv, 220",
        "  aMix = aNew + aSig ",
    ]
    assert steps["typed_completions"] > 0, "completion was never answered while typing"
    about_ai = [m for m in steps["shown_messages"] if AI_WORDS.search(m)]
    assert not about_ai, about_ai
    assert not AI_WORDS.search(steps["messages"]), steps["messages"]
