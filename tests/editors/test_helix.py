"""Real Helix 25.01 in tmux with editors/helix (install.sh: grammars, queries, languages.toml): diagnostics in
the diagnostics picker, hover popup."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.editors.conftest import BROKEN_CSD, ROOT, ServerFeatures, has_cc, plain_line, require_client

pytestmark = pytest.mark.timeout(240)


class Tmux:
    """One private tmux server running Helix in a fixed-size pane."""

    def __init__(self, socket: Path) -> None:
        self.base = ["tmux", "-S", str(socket)]

    def run(self, *args: str) -> str:
        return subprocess.run([*self.base, *args], capture_output=True, text=True, timeout=20).stdout

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "hx", *keys)
        time.sleep(0.4)

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "hx")

    def wait_for(self, predicate: Callable[[str], bool], seconds: float, between: Callable[[], None]) -> str:
        deadline = time.monotonic() + seconds
        screen = ""
        while time.monotonic() < deadline:
            between()
            screen = self.screen()
            if predicate(screen):
                return screen
            time.sleep(1)
        return screen


@pytest.fixture(scope="module")
def helix(
    tmp_path_factory: pytest.TempPathFactory, server_features: ServerFeatures
) -> Iterator[tuple[Tmux, Path]]:
    hx = require_client("hx.sh")
    if shutil.which("tmux") is None:
        pytest.skip("tmux not installed")
    if not has_cc():
        pytest.skip("no C compiler to build the tree-sitter grammars")
    tmp = tmp_path_factory.mktemp("helix")
    server = tmp / "csound-lsp"
    server.write_text(f'#!/bin/sh\nexec {sys.executable} -m csound_lsp "$@"\n')
    server.chmod(0o755)
    config = tmp / "config" / "helix"
    subprocess.run(
        [str(ROOT / "editors" / "helix" / "install.sh"), str(config), str(server)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    # Real Csound compiles are tested elsewhere; the static diagnostics are immediate.
    languages = config / "languages.toml"
    languages.write_text(
        languages.read_text().replace(
            "config = { diagnostics = { static = true, csound = true }",
            "config = { diagnostics = { static = true, csound = false }",
        )
    )
    document = tmp / "broken.csd"
    document.write_text(BROKEN_CSD.read_text())
    tmux = Tmux(tmp / "tmux.sock")
    env = f"XDG_CONFIG_HOME={tmp / 'config'} HOME={tmp} TERM=xterm-256color"
    tmux.run("new-session", "-d", "-s", "hx", "-x", "160", "-y", "45", f"env {env} {hx} {document}")
    try:
        yield tmux, document
    finally:
        tmux.run("kill-server")


def expected_messages(document: Path) -> list[str]:
    """What the server reports for the file, through the CLI that shares its analysis."""
    run = subprocess.run(
        [sys.executable, "-m", "csound_lsp", "check", "--format", "json", "--syntax-only", str(document)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    data = json.loads(run.stdout)
    items = data if isinstance(data, list) else data.get("diagnostics", data.get("files", []))
    messages = []
    for item in items:
        for d in item.get("diagnostics", [item]) if isinstance(item, dict) else []:
            if isinstance(d, dict) and d.get("message"):
                messages.append(d["message"])
    return messages


def test_diagnostics(helix: tuple[Tmux, Path]) -> None:
    tmux, document = helix
    wanted = [m[:20] for m in expected_messages(document)]
    assert wanted, "csound-lsp check found nothing to expect"

    def open_picker() -> None:
        tmux.keys("Escape")
        tmux.keys("Space")
        tmux.keys("d")

    screen = tmux.wait_for(lambda s: any(w in s for w in wanted), 60, open_picker)
    tmux.keys("Escape")
    assert any(w in screen for w in wanted), f"none of {wanted} on screen:\n{screen}"


def test_hover(helix: tuple[Tmux, Path], server_features: ServerFeatures) -> None:
    if not server_features.has("hoverProvider"):
        pytest.skip("waiting on the server: no hoverProvider yet")
    tmux, _ = helix
    wanted = plain_line(server_features.hover_text)
    assert wanted, server_features.hover_text

    def hover() -> None:
        tmux.keys("Escape")
        tmux.keys("1", "2", "g", "g")  # line 12: `  aSig oscili 0.3, 440`
        tmux.keys("f", "o")  # onto `oscili`
        tmux.keys("Space")
        tmux.keys("k")

    screen = tmux.wait_for(lambda s: wanted in s, 30, hover)
    tmux.keys("Escape")
    assert wanted in screen, f"{wanted!r} not on screen:\n{screen}"
