"""AI settings: defaults that work with a stock local Ollama, overridable by the client and the environment.

Precedence, lowest first: defaults, `OLLAMA_HOST` (the machine's Ollama, when the backend is ollama),
the client's `ai` object (initializationOptions / workspace configuration), then `CSOUND_LSP_AI_*`
variables, which are the most specific: set for this program alone, by a launcher or CI.
Malformed values keep their default and come back as problems to show; nothing here raises.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any, Literal, cast
from urllib.parse import urlsplit

BackendKind = Literal["ollama", "openai"]
BACKENDS: tuple[BackendKind, ...] = ("ollama", "openai")
OLLAMA_DEFAULT_PORT = 11434
#: llama.cpp's llama-server default; LM Studio uses 1234 and vLLM 8000.
OPENAI_DEFAULT_HOST = "http://127.0.0.1:8080"
#: The window asked for when the server does not say which it runs (Ollama's own default).
DEFAULT_NUM_CTX = 4096


@dataclass(frozen=True)
class AIModels:
    #: A base (not instruct) code model with fill-in-the-middle training, for inline completion.
    completion: str = "qwen2.5-coder:1.5b-base"
    #: An instruct model, for explain / fix / generate.
    chat: str = "qwen2.5-coder:7b-instruct"
    #: nomic models get their `search_document: ` / `search_query: ` prefixes automatically.
    embedding: str = "nomic-embed-text"


@dataclass(frozen=True)
class AITimeouts:
    #: Establishing the TCP connection; a local server answers in milliseconds.
    connect_s: float = 3.0
    #: Request sent to first token; includes Ollama loading a model from disk.
    first_token_s: float = 60.0
    #: Silence between two chunks once streaming.
    stall_s: float = 30.0
    #: A whole generation.
    total_s: float = 180.0


@dataclass(frozen=True)
class AISettings:
    enabled: bool = True
    backend: BackendKind = "ollama"
    #: Base URL of the server, without `/api` or `/v1`.
    host: str = f"http://127.0.0.1:{OLLAMA_DEFAULT_PORT}"
    models: AIModels = field(default_factory=AIModels)
    timeouts: AITimeouts = field(default_factory=AITimeouts)
    #: Context window in tokens (`ai.numCtx`); 0 learns it from the server (Ollama's `num_ctx`
    #: parameter or up to 4096 of the model's window, llama.cpp's `n_ctx`). A number overrides that.
    num_ctx: int = 0
    #: How long Ollama keeps a model loaded after a request; an editor wants it warm.
    keep_alive: str = "30m"
    #: Ollama `options.num_thread`; 0 leaves the server's choice.
    num_thread: int = 0
    #: Seconds a failed health check is trusted before asking the server again.
    health_ttl_s: float = 15.0
    #: Keep a local JSON-lines log of AI requests (timings, acceptance); see `ai.ailog`.
    log: bool = True
    #: Offer AI inline completions (textDocument/inlineCompletion and one completion item).
    inline: bool = True


def normalize_ollama_host(value: str) -> str:
    """A client URL from `OLLAMA_HOST`'s forms: `host`, `host:port`, `:port`, `0.0.0.0`, full URLs.

    A bind-all address is where the server listens, not an address to dial, so it becomes loopback.
    """
    value = value.strip()
    scheme, sep, rest = value.partition("://")
    port = OLLAMA_DEFAULT_PORT
    if not sep:
        scheme, rest = "http", value
    elif scheme == "http":
        port = 80
    elif scheme == "https":
        port = 443
    parts = urlsplit(f"{scheme}://{rest}")
    with contextlib.suppress(ValueError):  # a port out of range keeps the default
        port = parts.port or port
    host = parts.hostname or "127.0.0.1"
    if host in ("0.0.0.0", ""):
        host = "127.0.0.1"
    elif host in ("::", "[::]"):
        host = "::1"
    if ":" in host:
        host = f"[{host}]"
    path = parts.path.strip("/")
    base = f"{scheme}://{host}:{port}"
    return f"{base}/{path}" if path else base


def normalize_openai_host(value: str) -> str:
    """Accepts `host:port`, full URLs and URLs ending in `/v1` (as LM Studio shows them)."""
    value = value.strip().rstrip("/")
    if "://" not in value:
        value = f"http://{value}"
    value = re.sub(r"/v1$", "", value)
    parts = urlsplit(value)
    host = parts.hostname or "127.0.0.1"
    if host == "0.0.0.0":
        value = value.replace("0.0.0.0", "127.0.0.1", 1)
    return value


def _snake(key: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", key).lower()


def _coerce(value: Any, default: Any, name: str, problems: list[str]) -> Any:
    """`value` as the type of `default`, or `default` plus a problem."""
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false", "1", "0", "yes", "no"):
            return value.lower() in ("true", "1", "yes")
    elif isinstance(default, int):
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
        if isinstance(value, str) and value.strip().isdigit():
            return int(value)
    elif isinstance(default, float):
        if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
            return float(value)
        if isinstance(value, str):
            try:
                number = float(value)
            except ValueError:
                pass
            else:
                if number > 0:
                    return number
    elif isinstance(default, str):
        if isinstance(value, str) and value.strip():
            return value.strip()
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)  # keep_alive may be given as seconds
    problems.append(f"ai.{name}: cannot use {value!r}")
    return default


def _overlay(base: Any, raw: Mapping[str, Any], problems: list[str], prefix: str = "") -> Any:
    changes: dict[str, Any] = {}
    known = {f.name for f in fields(base)}
    for key, value in raw.items():
        name = _snake(str(key))
        if name not in known:
            problems.append(f"ai.{prefix}{key}: unknown setting")
            continue
        current = getattr(base, name)
        if isinstance(current, AIModels | AITimeouts):
            if isinstance(value, Mapping):
                changes[name] = _overlay(current, value, problems, f"{prefix}{name}.")
            else:
                problems.append(f"ai.{prefix}{name}: expected an object")
        elif name == "backend":
            if value in BACKENDS:
                changes[name] = value
            else:
                problems.append(f"ai.backend: expected one of {', '.join(BACKENDS)}, got {value!r}")
        else:
            changes[name] = _coerce(value, current, f"{prefix}{name}", problems)
    return replace(base, **changes)


def parse_ai_settings(raw: Any = None, env: Mapping[str, str] | None = None) -> tuple[AISettings, list[str]]:
    """Settings from the client's `ai` object and the environment, plus problems to show the user."""
    env = os.environ if env is None else env
    problems: list[str] = []
    settings = AISettings()
    if raw is not None and not isinstance(raw, Mapping):
        problems.append("ai: expected an object")
        raw = None
    raw = dict(raw or {})

    env_backend = env.get("CSOUND_LSP_AI_BACKEND", "").strip().lower()
    if env_backend and env_backend not in BACKENDS:
        problems.append(f"CSOUND_LSP_AI_BACKEND: expected ollama or openai, got {env_backend!r}")
        env_backend = ""
    host_given = "host" in raw or bool(env.get("CSOUND_LSP_AI_HOST", "").strip())
    settings = _overlay(settings, raw, problems)
    if env_backend:
        settings = replace(settings, backend=cast(BackendKind, env_backend))

    host = settings.host
    if env.get("CSOUND_LSP_AI_HOST", "").strip():
        host = env["CSOUND_LSP_AI_HOST"]
    elif not host_given:
        if settings.backend == "ollama" and env.get("OLLAMA_HOST", "").strip():
            host = env["OLLAMA_HOST"]
        elif settings.backend == "openai":
            host = OPENAI_DEFAULT_HOST
    normalize = normalize_ollama_host if settings.backend == "ollama" else normalize_openai_host
    host = normalize(host)
    settings = replace(settings, host=host)

    models = settings.models
    both = env.get("CSOUND_LSP_AI_MODEL", "").strip()
    if both:
        models = replace(models, completion=both, chat=both)
    for variable, name in (
        ("CSOUND_LSP_AI_COMPLETION_MODEL", "completion"),
        ("CSOUND_LSP_AI_CHAT_MODEL", "chat"),
        ("CSOUND_LSP_EMBED_MODEL", "embedding"),
    ):
        if env.get(variable, "").strip():
            models = replace(models, **{name: env[variable].strip()})
    settings = replace(settings, models=models)
    if env.get("CSOUND_LSP_AI_ENABLED", "").strip():
        enabled = _coerce(env["CSOUND_LSP_AI_ENABLED"], True, "enabled", problems)
        settings = replace(settings, enabled=enabled)
    return settings, problems
