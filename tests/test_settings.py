"""One typed settings object, AI included: the parse, its problems, the environment, and the same
settings arriving through the protocol (initializationOptions, workspace/configuration, and
workspace/didChangeConfiguration), each problem reported once."""

from __future__ import annotations

import ast
import asyncio
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from csound_lsp.settings import (
    BACKEND_FACTS,
    AISettings,
    DiagnosticsSettings,
    FormattingSettings,
    Settings,
    parse,
)
from tests.ai_lsp_helpers import ORC_DOC, ai_server, inline_params, open_doc
from tests.conftest import ROOT, client_capabilities
from tests.fake_ollama import FakeOllama

PACKAGE = ROOT / "csound_lsp"


def test_every_setting_in_one_object_camel_or_snake_case() -> None:
    parsed = parse(
        {
            "diagnostics": {"csoundDebounceMs": 300, "unused_variables": False},
            "formatting": {"indent": 4, "alignScore": False},
            "inlayHints": {"opcodeArguments": True},
            "includePaths": ["/opt/csound/include"],
            "manualPath": "/usr/share/doc/csound-manual/html",
            "indexOnStart": False,
            "engine": "csound7",
            "ai": {"backend": "openai", "numCtx": 8192, "models": {"completion": "fim"}},
        },
        env={},
    )
    assert parsed.problems.invalid == [] and parsed.problems.unknown == []
    s = parsed.settings
    assert s.diagnostics == DiagnosticsSettings(csound_debounce_ms=300, unused_variables=False)
    assert s.formatting == FormattingSettings(indent=4, align_score=False)
    assert s.inlay_hints.opcode_arguments and s.inlay_hints.score_pfields
    assert s.include_paths == ("/opt/csound/include",)
    assert s.manual_path == "/usr/share/doc/csound-manual/html" and not s.index_on_start
    assert s.engine == "7"
    assert isinstance(s.ai, AISettings)
    assert (s.ai.backend, s.ai.num_ctx, s.ai.models.completion) == ("openai", 8192, "fim")
    assert s.ai.host == "http://127.0.0.1:8080"  # the openai backend's own default host


def test_the_editors_shipped_settings_parse_without_problems() -> None:
    """What the VS Code extension contributes (every `csound.*` key the server reads), the Neovim and
    Helix configurations send, each one known to the server."""
    contributes = json.loads((ROOT / "editors/vscode/package.json").read_text())["contributes"]
    sections = contributes["configuration"]
    properties: dict[str, Any] = {}
    for section in sections if isinstance(sections, list) else [sections]:
        properties.update(section["properties"])
    client_only = ("csound.server.", "csound.python.", "csound.trace.")
    raw: dict[str, Any] = {}
    for key, spec in properties.items():
        if key.startswith(client_only):
            continue
        *parents, name = key.removeprefix("csound.").split(".")
        target = raw
        for parent in parents:
            target = target.setdefault(parent, {})
        default = spec.get("default")
        target[name] = default if default not in (None, "") else "x" if spec["type"] == "string" else default
    assert {"diagnostics", "formatting", "inlayHints", "includePaths", "manualPath", "ai"} <= set(raw)
    parsed = parse(raw, env={})
    assert parsed.problems.unknown == [] and parsed.problems.invalid == []
    helix = {"diagnostics": {"static": True, "csound": True}, "formatting": {"indent": 2}}
    assert parse({"csound": helix}, env={}).problems.all() == []


def test_unknown_keys_and_malformed_values_are_told_apart() -> None:
    parsed = parse(
        {
            "colour": "blue",
            "formatting": {"indent": -3, "tabs": True},
            "diagnostics": "on",
            "ai": {"host": "127.0.0.1:3333", "numCtxx": 1, "timeouts": {"totalS": "soon"}},
        },
        env={},
    )
    assert parsed.problems.unknown == ["colour", "formatting.tabs", "ai.numCtxx"]
    invalid = parsed.problems.invalid
    assert len(invalid) == 3
    assert any(p.startswith("formatting.indent: cannot use -3") for p in invalid)
    assert any(p.startswith("diagnostics: expected an object") for p in invalid)
    assert any(p.startswith("ai.timeouts.totalS: cannot use 'soon'") for p in invalid)
    # what could not be used keeps its default; the rest of the same object is in effect
    assert parsed.settings.formatting.indent == 2 and parsed.settings.diagnostics == DiagnosticsSettings()
    assert parsed.settings.ai.host == "http://127.0.0.1:3333"


def test_a_change_overlays_the_previous_settings_and_an_ai_object_replaces_the_ai_settings() -> None:
    first = parse({"formatting": {"indent": 4}, "ai": {"numCtx": 2048, "keepAlive": "5m"}}, env={}).settings
    second = parse({"diagnostics": {"static": False}}, first, env={}).settings
    assert second.formatting.indent == 4 and not second.diagnostics.static
    assert second.ai is first.ai  # no `ai` object: the AI settings stay as they were
    third = parse({"ai": {"numCtx": 1024}}, second, env={}).settings
    assert third.ai.num_ctx == 1024 and third.ai.keep_alive == AISettings().keep_alive
    kept = parse({"ai": "not an object"}, third, env={})
    assert kept.settings.ai is third.ai and kept.problems.invalid == ["ai: expected an object"]


def test_environment_beats_the_client_for_ai_and_is_checked_by_the_same_rules() -> None:
    env = {
        "CSOUND_LSP_AI_BACKEND": "OpenAI",
        "CSOUND_LSP_AI_MODEL": "both",
        "CSOUND_LSP_AI_CHAT_MODEL": "chatty",
        "CSOUND_LSP_AI_ENABLED": "no",
        "OLLAMA_HOST": "elsewhere:1",
    }
    parsed = parse({"ai": {"backend": "ollama", "models": {"completion": "mine"}}}, env=env)
    ai = parsed.settings.ai
    assert parsed.problems.all() == []
    assert (ai.backend, ai.enabled, ai.models.completion, ai.models.chat) == (
        "openai",
        False,
        "both",
        "chatty",
    )
    assert ai.host == "http://127.0.0.1:8080"  # OLLAMA_HOST is the ollama backend's, not openai's
    bad = parse({}, env={"CSOUND_LSP_AI_ENABLED": "perhaps", "CSOUND_LSP_AI_BACKEND": "gpt"})
    assert sorted(p.split(":")[0] for p in bad.problems.invalid) == [
        "CSOUND_LSP_AI_BACKEND",
        "CSOUND_LSP_AI_ENABLED",
    ]
    assert bad.settings.ai.enabled and bad.settings.ai.backend == "ollama"


def test_without_a_base_the_environment_applies_even_when_the_client_sends_nothing_about_ai() -> None:
    parsed = parse({"formatting": {"indent": 3}}, env={"CSOUND_LSP_AI_HOST": "gpu-box:9"})
    assert parsed.settings.ai.host == "http://gpu-box:9"
    assert parse(None, env={"OLLAMA_HOST": ":5555"}).settings.ai.host == "http://127.0.0.1:5555"


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 10**6) | st.floats(allow_nan=True) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
KEYS = st.sampled_from(
    ["diagnostics", "formatting", "inlayHints", "includePaths", "manualPath", "engine", "ai", "indexOnStart"]
)
AI_KEYS = st.sampled_from(["backend", "host", "models", "timeouts", "numCtx", "keepAlive", "enabled", "log"])


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(KEYS, JSON | st.dictionaries(AI_KEYS, JSON, max_size=4), max_size=6) | JSON,
)
def test_any_json_gives_typed_settings_and_never_raises(raw: Any) -> None:
    parsed = parse(raw, env={})
    s = parsed.settings
    assert isinstance(s, Settings) and isinstance(s.ai, AISettings)
    assert isinstance(s.formatting.indent, int) and s.formatting.indent >= 0
    assert isinstance(s.diagnostics.csound_timeout_s, float) and s.diagnostics.csound_timeout_s > 0
    assert all(isinstance(path, str) for path in s.include_paths)
    assert s.ai.backend in BACKEND_FACTS and s.ai.host.startswith(("http://", "https://"))
    assert isinstance(s.ai.keep_alive, str) and isinstance(s.ai.enabled, bool)
    # what is reported names the keys the client sent, as it spelt them
    section = raw.get("csound", raw) if isinstance(raw, dict) else {}
    section = section if isinstance(section, dict) else raw
    for key in parsed.problems.unknown:
        assert any(key == sent or key.startswith(f"{sent}.") for sent in section)


# -- one place each ----------------------------------------------------------------------------


def _package_sources() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(), str(path))) for path in sorted(PACKAGE.rglob("*.py"))]


def _found(predicate: Callable[[ast.AST], bool]) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path, tree in _package_sources()
        for node in ast.walk(tree)
        if predicate(node) and hasattr(node, "lineno")
    ]


def test_environment_variables_are_read_in_one_module() -> None:
    def reads_environment(node: ast.AST) -> bool:
        return (isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "environb")) or (
            isinstance(node, ast.ImportFrom)
            and node.module == "os"
            and any(alias.name in ("environ", "getenv") for alias in node.names)
        )

    places = _found(reads_environment)
    assert places and all(place.startswith("csound_lsp/environment.py:") for place in places), places


def test_the_backend_kind_is_compared_in_no_module() -> None:
    """The kind is decided by `settings.resolve_ai`; every difference between the kinds is a field of
    `settings.BACKEND_FACTS` or the client class in `ai.service.CLIENTS`, so no code asks which it is."""

    def compares_a_kind(node: ast.AST) -> bool:
        if not isinstance(node, ast.Compare):
            return False
        sides = [node.left, *node.comparators]
        return any(isinstance(side, ast.Constant) and side.value in BACKEND_FACTS for side in sides)

    assert _found(compares_a_kind) == []


# -- through the protocol ----------------------------------------------------------------------

SERVER_ENV = {
    "CSOUND_LSP_AI_HOST": "http://127.0.0.1:9",
    "PYTHONUNBUFFERED": "1",
    "CSOUND_LSP_INDEX_ON_START": "0",
}

OPTIONS = {
    "diagnostics": {"csound": False},
    "formatting": {"indent": 4, "alignOpcodes": False},
    "colour": "blue",
    "ai": {"numCtxx": 4096, "keepAlive": "10m"},
    "inlayHints": {"scorePfields": "sometimes"},
}

UNALIGNED = "instr 1\naSig oscili 0.5, 440\nouts aSig, aSig\nendin\n"


async def _indent_of_body(client: LanguageClient, uri: str) -> int:
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            options=types.FormattingOptions(tab_size=8, insert_spaces=True),
        )
    )
    assert edits
    text = edits[0].new_text if len(edits) == 1 else "".join(e.new_text for e in edits)
    body = next(line for line in text.splitlines() if "oscili" in line)
    return len(body) - len(body.lstrip(" "))


async def _wait_until(condition: Callable[[], bool], timeout_s: float = 10.0) -> None:
    for _ in range(int(timeout_s * 20)):
        if condition():
            return
        await asyncio.sleep(0.05)


@pytest.mark.parametrize("pull", [False, True])
async def test_settings_through_the_protocol_each_problem_reported_once(pull: bool) -> None:
    """initializationOptions, then the same section pulled through workspace/configuration (when the
    client can answer it) and pushed again by didChangeConfiguration: the settings take effect each
    time; a malformed value is one message, each unknown key one log warning, however often sent."""
    config = ClientServerConfig(
        server_command=[sys.executable, "-m", "csound_lsp", "serve"], server_env=SERVER_ENV
    )
    client = await config.start()
    assert isinstance(client, LanguageClient)
    capabilities = client_capabilities()
    assert capabilities.workspace is not None
    capabilities.workspace.configuration = pull
    client.set_configuration(OPTIONS, section="csound")
    try:
        await client.initialize_session(
            types.InitializeParams(
                capabilities=capabilities, root_uri=ROOT.as_uri(), initialization_options=OPTIONS
            )
        )
        uri = "file:///tmp/settings-protocol.orc"
        await open_doc(client, uri, UNALIGNED)
        assert await _indent_of_body(client, uri) == 4  # the settings' indent, not the editor's tab size

        # a change pushed with its settings: one key changed, the old problems sent once more, a new one
        changed = {**OPTIONS, "formatting": {"indent": 3}, "ai": {"numCtxx": 1, "modls": {}}}
        client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=changed))
        assert await _indent_of_body(client, uri) == 3
        if pull:  # a change announced without settings: the server pulls the section
            client.set_configuration({**changed, "formatting": {"indent": 5}}, section="csound")
            client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
            for _ in range(100):  # the pull is a round trip of its own: ask until it has landed
                if await _indent_of_body(client, uri) == 5:
                    break
                await asyncio.sleep(0.1)
            assert await _indent_of_body(client, uri) == 5

        def warnings_about(key: str) -> list[str]:
            return [
                m.message
                for m in client.log_messages
                if m.type == types.MessageType.Warning and f"unknown setting '{key}'" in m.message
            ]

        await _wait_until(lambda: bool(warnings_about("ai.modls")))
        assert len(warnings_about("colour")) == 1
        assert len(warnings_about("ai.numCtxx")) == 1
        assert len(warnings_about("ai.modls")) == 1
        shown = [m.message for m in client.messages if "settings ignored" in m.message]
        assert len(shown) == 1 and "inlayHints.scorePfields" in shown[0]
        assert not any("colour" in m for m in shown)  # unknown keys are logged, never a popup
    finally:
        await asyncio.wait_for(client.shutdown_session(), 15)
        await asyncio.wait_for(client.stop(), 15)


async def test_ai_settings_reach_the_backend_and_follow_a_change(tmp_path: Path) -> None:
    """The typed AI settings from initializationOptions pick the host and the model the fake Ollama
    is asked for; a didChangeConfiguration with another model is the next request's model."""
    with FakeOllama() as fake:
        options = {"ai": {"host": fake.url, "models": {"completion": "qwen2.5-coder:1.5b-base"}}}
        async with ai_server({}, tmp_path, options=options) as client:
            uri = "file:///tmp/settings-ai.csd"
            await open_doc(client, uri, ORC_DOC)
            cursor = types.Position(line=12, character=14)
            await client.text_document_inline_completion_async(inline_params(uri, cursor))

            def models_asked() -> list[str]:
                return [
                    str(r.body.get("model"))
                    for r in fake.requests
                    if isinstance(r.body, dict) and r.path in ("/api/generate", "/v1/completions")
                ]

            first = models_asked()
            assert first and set(first) == {"qwen2.5-coder:1.5b-base"}
            client.workspace_did_change_configuration(
                types.DidChangeConfigurationParams(
                    settings={"ai": {"host": fake.url, "models": {"completion": "codellama:7b-code"}}}
                )
            )
            await client.text_document_inline_completion_async(inline_params(uri, cursor))
            then = models_asked()[len(first) :]
            assert then and set(then) == {"codellama:7b-code"}
            assert not [m for m in client.messages if "settings ignored" in m.message]
