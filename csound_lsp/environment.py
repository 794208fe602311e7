"""Every environment variable csound-lsp reads, read here and nowhere else.

Variables are for what an editor's settings cannot reach: a launcher, a CI job, a test run, the
machine's Ollama. Each function reads the variable when called (so a test or a caller may change the
environment in between) and takes an optional mapping in place of `os.environ`. How a value combines
with the client's settings is decided by `csound_lsp.settings` (AI) or by the caller named below.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

#: AI overrides, the most specific source of each AI setting (`settings.resolve_ai`).
AI_BACKEND = "CSOUND_LSP_AI_BACKEND"
AI_HOST = "CSOUND_LSP_AI_HOST"
AI_MODEL = "CSOUND_LSP_AI_MODEL"
AI_COMPLETION_MODEL = "CSOUND_LSP_AI_COMPLETION_MODEL"
AI_CHAT_MODEL = "CSOUND_LSP_AI_CHAT_MODEL"
EMBED_MODEL = "CSOUND_LSP_EMBED_MODEL"
AI_ENABLED = "CSOUND_LSP_AI_ENABLED"
#: The machine's Ollama address, as Ollama's own tools read it.
OLLAMA_HOST = "OLLAMA_HOST"
#: Which Csound compiles when the `engine` setting is auto (`csound.discovery`).
ENGINE = "CSOUND_LSP_ENGINE"
#: Any value but empty or 0 simulates a machine without Csound (tests, and the worker of a server
#: whose Csound diagnostics are off).
NO_CSOUND = "CSOUND_LSP_NO_CSOUND"
#: 0 keeps the server from building the examples index at start (scripts that start many servers).
INDEX_ON_START = "CSOUND_LSP_INDEX_ON_START"
#: Where the retrieval index lives instead of the user cache.
CACHE_DIR = "CSOUND_LSP_CACHE_DIR"
#: Where the AI request log goes instead of the user log folder.
LOG_DIR = "CSOUND_LSP_LOG_DIR"
#: 0 leaves the installed manual's descriptions out of opcode matching (benchmarks of the rest).
MANUAL_DESCRIPTIONS = "CSOUND_LSP_MANUAL_DESCRIPTIONS"
#: Csound's own include search path, followed as Csound follows it.
INCDIR = "INCDIR"
#: The plugin folder of a bundled Csound 7, set before its library loads.
OPCODE7DIR64 = "OPCODE7DIR64"

#: The AI variables, each with the path of the `ai` setting it overrides.
AI_VARIABLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (AI_BACKEND, ("backend",)),
    (AI_HOST, ("host",)),
    (AI_MODEL, ("models", "completion")),
    (AI_MODEL, ("models", "chat")),
    (AI_COMPLETION_MODEL, ("models", "completion")),
    (AI_CHAT_MODEL, ("models", "chat")),
    (EMBED_MODEL, ("models", "embedding")),
    (AI_ENABLED, ("enabled",)),
)


def read(name: str, env: Mapping[str, str] | None = None) -> str:
    """The variable's value without surrounding blanks; empty when unset."""
    return (os.environ if env is None else env).get(name, "").strip()


def ai_overrides(env: Mapping[str, str] | None = None) -> list[tuple[str, tuple[str, ...], str]]:
    """The AI variables that are set: (variable, setting path, value), later ones winning."""
    return [(name, path, value) for name, path in AI_VARIABLES if (value := read(name, env))]


def ollama_host(env: Mapping[str, str] | None = None) -> str:
    return read(OLLAMA_HOST, env)


def engine_choice() -> str:
    """The engine named by `ENGINE`, empty when unset."""
    return read(ENGINE)


def csound_disabled() -> bool:
    return read(NO_CSOUND) not in ("", "0")


def index_on_start() -> bool:
    return read(INDEX_ON_START) != "0"


def cache_dir() -> str:
    return read(CACHE_DIR)


def log_dir(env: Mapping[str, str] | None = None) -> str:
    return read(LOG_DIR, env)


def manual_descriptions() -> bool:
    return read(MANUAL_DESCRIPTIONS) != "0"


def include_dirs() -> list[str]:
    """The folders in Csound's `INCDIR`."""
    return [folder for folder in read(INCDIR).split(os.pathsep) if folder]


def colour_allowed() -> bool:
    """The terminal conventions: `NO_COLOR` set, or `TERM=dumb`, mean no colour."""
    return not read("NO_COLOR") and read("TERM") != "dumb"


def for_child(**changes: str) -> dict[str, str]:
    """The environment for a process we start: ours, with `changes`."""
    return {**os.environ, **changes}


def set_for_this_process(name: str, value: str) -> None:
    """Sets a variable a library loaded later reads (a bundled Csound's plugin folder)."""
    os.environ[name] = value
