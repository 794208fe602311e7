"""Fixtures for end-to-end tests in real editors (Neovim, Emacs, Helix, VS Code through code-server).

Each test skips with the reason when its editor is not installed (`scripts/install_editors.sh` installs
them) and checks the server features the running server advertises, so checks for features still being
built switch themselves on as the server gains them.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
SHARED_TOOLS = Path(os.environ.get("CSOUND_LSP_SHARED_TOOLS", ROOT.parent / "shared" / "tools"))
#: Where `scripts/install_editors.sh` (via shared/tools/lsp-clients and code-server) puts the editors.
CLIENT_PREFIXES = [
    Path(p)
    for p in (
        os.environ.get("CSOUND_LSP_EDITORS"),
        "/opt/lsp-clients",
        os.path.join(os.environ.get("TMPDIR", "/tmp"), "lspclients"),
    )
    if p
]
CODE_SERVER_PREFIXES = [
    Path(p)
    for p in (
        os.environ.get("CSOUND_LSP_CODE_SERVER"),
        "/opt/code-server-e2e",
        os.path.join(os.environ.get("TMPDIR", "/tmp"), "code-server"),
    )
    if p
]
SERVER_COMMAND = [sys.executable, "-m", "csound_lsp", "serve"]
#: Real Csound compiles are tested elsewhere; editors get the static diagnostics, which are immediate.
SERVER_SETTINGS: dict[str, Any] = {"diagnostics": {"csound": False}}
BROKEN_CSD = HERE / "data" / "unclosed-paren.csd"
#: The unclosed parenthesis sits on this line (0-based) of BROKEN_CSD.
BROKEN_LINE = 12


def client_script(name: str) -> Path | None:
    """PREFIX/nvim.sh, emacs.sh or hx.sh from the first prefix that has it."""
    for prefix in CLIENT_PREFIXES:
        script = prefix / name
        if script.is_file() and os.access(script, os.X_OK):
            return script
    return None


def require_client(name: str) -> Path:
    script = client_script(name)
    if script is None:
        pytest.skip(f"{name} not installed (run scripts/install_editors.sh, or set CSOUND_LSP_EDITORS)")
    return script


def require_server() -> None:
    try:
        import csound_lsp._binding  # noqa: F401
    except ImportError as exc:
        pytest.skip(f"csound-lsp is not built ({exc}); run scripts/setup.sh")


@dataclass
class ServerFeatures:
    """What the server advertises at `initialize`, and whether it answers `csound/explain`."""

    capabilities: dict[str, Any] = field(default_factory=dict)
    commands: list[str] = field(default_factory=list)
    explain: bool = False
    #: The hover markdown for `oscili` in BROKEN_CSD (line 12), when the server has hover.
    hover_text: str = ""

    def has(self, provider: str) -> bool:
        # An empty options object ({}) still advertises the provider.
        value = self.capabilities.get(provider)
        return value is not None and value is not False


def _read_message(stream: Any) -> dict[str, Any]:
    length = 0
    while True:
        line = stream.readline()
        if not line:
            raise EOFError("server closed its output")
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.decode("ascii").partition(":")
        if name.lower() == "content-length":
            length = int(value.strip())
    return json.loads(stream.read(length))


def _send(stream: Any, message: dict[str, Any]) -> None:
    body = json.dumps(message).encode()
    stream.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
    stream.flush()


def probe_server() -> ServerFeatures:
    """Starts the server once: its capabilities, hover on `oscili`, and whether `csound/explain` exists."""
    env = {**os.environ, "CSOUND_LSP_AI_HOST": "http://127.0.0.1:9"}
    process = subprocess.Popen(
        SERVER_COMMAND, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env
    )
    assert process.stdin and process.stdout
    features = ServerFeatures()
    try:

        def request(id_: int, method: str, params: Any) -> dict[str, Any]:
            _send(process.stdin, {"jsonrpc": "2.0", "id": id_, "method": method, "params": params})
            while True:
                message = _read_message(process.stdout)
                if message.get("id") == id_ and "method" not in message:
                    return message
                if "method" in message and "id" in message:  # a server request: answer it emptily
                    _send(process.stdin, {"jsonrpc": "2.0", "id": message["id"], "result": None})

        init = request(
            1,
            "initialize",
            {
                "processId": None,
                "rootUri": None,
                "capabilities": {},
                "initializationOptions": SERVER_SETTINGS,
            },
        )
        features.capabilities = init.get("result", {}).get("capabilities", {})
        features.commands = list(features.capabilities.get("executeCommandProvider", {}).get("commands", []))
        _send(process.stdin, {"jsonrpc": "2.0", "method": "initialized", "params": {}})
        uri = BROKEN_CSD.as_uri()
        _send(
            process.stdin,
            {
                "jsonrpc": "2.0",
                "method": "textDocument/didOpen",
                "params": {
                    "textDocument": {
                        "uri": uri,
                        "languageId": "csound",
                        "version": 1,
                        "text": BROKEN_CSD.read_text(),
                    }
                },
            },
        )
        if features.has("hoverProvider"):
            hover = request(
                4,
                "textDocument/hover",
                {"textDocument": {"uri": uri}, "position": {"line": 11, "character": 8}},
            )
            contents = (hover.get("result") or {}).get("contents", "")
            features.hover_text = contents.get("value", "") if isinstance(contents, dict) else str(contents)
        answer = request(
            2,
            "csound/explain",
            {
                "textDocument": {"uri": uri},
                "range": {"start": {"line": 11, "character": 0}, "end": {"line": 12, "character": 0}},
                "position": {"line": 11, "character": 8},
            },
        )
        features.explain = answer.get("error", {}).get("code") != -32601
        request(3, "shutdown", None)
        _send(process.stdin, {"jsonrpc": "2.0", "method": "exit"})
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return features


@pytest.fixture(scope="session")
def server_features() -> ServerFeatures:
    require_server()
    return probe_server()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ModelServer:
    host: str
    model: str

    def settings(self) -> dict[str, Any]:
        return {
            "backend": "openai",
            "host": self.host,
            "models": {"completion": self.model, "chat": self.model},
        }


@pytest.fixture(scope="session")
def model_server(server_features: ServerFeatures) -> Iterator[ModelServer | None]:
    """A real llama-server (shared/tools/llama-server) for the AI features; None when absent or unneeded."""
    tool = SHARED_TOOLS / "llama-server"
    needed = server_features.has("inlineCompletionProvider") or server_features.explain
    if os.environ.get("CSOUND_LSP_NO_MODEL") or not tool.is_file() or not needed:
        yield None
        return
    port = _free_port()
    log = open(os.path.join(os.environ.get("TMPDIR", "/tmp"), f"llama-editors-{port}.log"), "wb")  # noqa: SIM115
    process = subprocess.Popen(
        [str(tool), str(port)], stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    host = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 240
    ready = False
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(f"{host}/health", timeout=2) as response:
                ready = response.status == 200
        except OSError:
            pass
        if ready:
            break
        time.sleep(1)
    try:
        yield ModelServer(host, "gemma3-270m") if ready else None
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, 15)
        process.wait(timeout=20)
        log.close()


def ai_settings(model: ModelServer | None) -> dict[str, Any]:
    settings = json.loads(json.dumps(SERVER_SETTINGS))
    if model is not None:
        settings["ai"] = model.settings()
    return settings


def run_checked(
    command: list[str], env: dict[str, str], timeout: float, cwd: Path
) -> subprocess.CompletedProcess[str]:
    """Runs an editor; a hang becomes a test failure with its output, not a stuck suite."""
    try:
        return subprocess.run(
            command,
            env={**os.environ, **env},
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"{command[0]} did not finish in {timeout}s: {exc.stdout!r} {exc.stderr!r}")


def has_cc() -> bool:
    return shutil.which(os.environ.get("CC", "cc")) is not None


def plain_line(markdown: str, length: int = 24) -> str:
    """A stretch of a Markdown answer that any renderer shows verbatim (no markup characters in it)."""
    for line in markdown.splitlines():
        line = line.strip()
        if len(line) >= length and not any(c in line for c in "*`#|[]_<>\\"):
            return line[:length]
    return ""
