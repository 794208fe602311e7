"""Log records reach the editor as `window/logMessage` with their own level, and stderr (which editors
show as errors) carries errors only."""

from __future__ import annotations

import logging

import pytest

from csound_lsp.server.log import message_type
from tests.lsp_process import LspProcess

pytestmark = pytest.mark.timeout(120)


def record(name: str, level: int, message: str) -> logging.LogRecord:
    return logging.LogRecord(name, level, __file__, 1, message, None, None)


def test_levels_map_to_message_types() -> None:
    assert message_type(record("csound_lsp.x", logging.ERROR, "boom")) == 1
    assert message_type(record("csound_lsp.x", logging.WARNING, "careful")) == 2
    assert message_type(record("csound_lsp.x", logging.INFO, "fyi")) == 3
    assert message_type(record("csound_lsp.x", logging.DEBUG, "detail")) == 4
    chatter = record(
        "pygls.protocol.json_rpc", logging.WARNING, "Cancel notification for unknown message id 7"
    )
    assert message_type(chatter) == 4


async def test_warnings_go_to_the_client_log_not_to_stderr() -> None:
    uri = "file:///tmp/log-levels/piece.orc"
    server = await LspProcess.start(env={"CSOUND_LSP_AI_HOST": "http://127.0.0.1:9"})
    try:
        await server.initialize()
        server.open(uri, "instr 1\n  a1 oscili 0.5, 440\n  out a1\nendin\n")
        await server.wait_for_diagnostics(uri, 1)
        server.notify("$/cancelRequest", {"id": 987654})  # pygls warns about an unknown id
        params = {
            "textDocument": {"uri": uri},
            "position": {"line": 1, "character": 20},
            "context": {"triggerKind": 1},  # invoked: the user asked, so the missing backend is told
        }
        answer = await server.request("textDocument/inlineCompletion", params)
        assert answer.error is None
        hover = {"textDocument": {"uri": uri}, "position": {"line": 1, "character": 6}}
        await server.request("textDocument/hover", hover)
        logged = [m["params"] for m in server.messages if m.get("method") == "window/logMessage"]
        warnings = [p for p in logged if p["type"] == 2]
        assert any("No AI backend" in p["message"] for p in warnings), logged
        assert not [p for p in logged if p["type"] == 1], logged
        chatter = [p for p in logged if "unknown message id" in p["message"]]
        assert all(p["type"] == 4 for p in chatter), chatter
        await server.shutdown()
        assert "WARNING" not in server.stderr_text() and "No AI backend" not in server.stderr_text()
    finally:
        await server.kill()
