"""The server's settings, AI included: one typed object with defaults that work with zero configuration.

Clients send the `csound` section as `initializationOptions` and through `workspace/configuration`;
both arrive as loose JSON with camelCase or snake_case keys. `parse` overlays it onto the
defaults (or the previous settings) with one cattrs converter: a malformed value keeps its default and
comes back as a problem, a key we do not know comes back in `unknown`; nothing here raises.

The AI settings are resolved once, here, from the client's `ai` object and the environment
(`resolve_ai`): defaults, then `OLLAMA_HOST` (the machine's Ollama, when the backend is ollama), then
the client's `ai` object, then the `CSOUND_LSP_AI_*` variables, which are the most specific (set for
this program alone, by a launcher or CI). The backend kind is decided there and nowhere else.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import re
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, is_dataclass, replace
from typing import Any, Literal, TypeVar, get_args
from urllib.parse import urlsplit

import cattrs

from csound_lsp import environment

log = logging.getLogger(__name__)

T = TypeVar("T")

BackendKind = Literal["ollama", "openai"]
BACKENDS: tuple[BackendKind, ...] = get_args(BackendKind)
OLLAMA_DEFAULT_PORT = 11434
#: llama.cpp's llama-server default; LM Studio uses 1234 and vLLM 8000.
OPENAI_DEFAULT_HOST = "http://127.0.0.1:8080"
#: The window asked for when the server does not say which it runs (Ollama's own default).
DEFAULT_NUM_CTX = 4096


@dataclass(frozen=True)
class DiagnosticsSettings:
    #: Run static analysis on every change.
    static: bool = True
    #: Compile with the real Csound in the worker process.
    csound: bool = True
    #: Quiet time after the last edit before Csound compiles, in milliseconds.
    csound_debounce_ms: int = 600
    #: Seconds one Csound compile may take before the worker is restarted.
    csound_timeout_s: float = 10.0
    #: Report unused variables as hints.
    unused_variables: bool = True


@dataclass(frozen=True)
class FormattingSettings:
    indent: int = 2
    align_opcodes: bool = True
    align_score: bool = True


@dataclass(frozen=True)
class InlayHintSettings:
    score_pfields: bool = True
    opcode_arguments: bool = False


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
    #: Base URL of the server, without `/api` or `/v1`; unset, the backend's own default.
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


@dataclass(frozen=True)
class Settings:
    diagnostics: DiagnosticsSettings = field(default_factory=DiagnosticsSettings)
    formatting: FormattingSettings = field(default_factory=FormattingSettings)
    inlay_hints: InlayHintSettings = field(default_factory=InlayHintSettings)
    #: Folders searched for `#include` files after the document's own folder.
    include_paths: tuple[str, ...] = ()
    #: Build or refresh the examples index in the background when the server starts.
    index_on_start: bool = True
    #: A local copy of the Csound manual (HTML), for hover links and text.
    manual_path: str | None = None
    #: Which Csound compiles: auto (a system Csound, else the one bundled with cycsound), 6, 7 or a
    #: libcsound path (`csound_lsp.csound.discovery`).
    engine: str = "auto"
    #: The AI assistant's settings, resolved with the environment (`resolve_ai`).
    ai: AISettings = field(default_factory=AISettings)


@dataclass
class Problems:
    """What a parse could not use: malformed values (worth showing) and unknown keys (logged)."""

    invalid: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)

    def all(self) -> list[str]:
        return [*self.invalid, *(f"{key}: unknown setting" for key in self.unknown)]


# -- values: one converter, the same rules for every setting and every source ---------------------

_TRUE = ("true", "1", "yes")
_FALSE = ("false", "0", "no")


def _bool(value: Any, _type: type) -> bool:
    """JSON true/false, or the words an environment variable gives."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE + _FALSE:
        return value.strip().lower() in _TRUE
    raise ValueError("expected true or false")


def _count(value: Any, _type: type) -> int:
    """A whole number, 0 or more."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, float) and value.is_integer() and value >= 0:
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    raise ValueError("expected a whole number, 0 or more")


def _positive(value: Any, _type: type) -> float:
    """A number above 0 (seconds)."""
    number: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):
        with contextlib.suppress(ValueError):
            number = float(value)
    if number is None or not number > 0:
        raise ValueError("expected a number above 0")
    return number


def _text(value: Any, _type: type) -> str:
    """A non-empty string; a number is taken as its text (`keepAlive: -1`, seconds for Ollama)."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise ValueError("expected a string")


def _optional_text(value: Any, _type: type) -> str | None:
    """A string, where empty or null means unset."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return _text(value, str)


def _paths(value: Any, _type: type) -> tuple[str, ...]:
    """A list of folders; one string is one folder."""
    if isinstance(value, str):
        value = [value]
    if isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
        return tuple(item for item in value if item.strip())
    raise ValueError("expected a list of folders")


def _backend(value: Any, _type: type) -> BackendKind:
    text = value.strip().lower() if isinstance(value, str) else value
    for kind in BACKENDS:
        if text == kind:
            return kind
    raise ValueError(f"expected one of {', '.join(BACKENDS)}")


converter = cattrs.Converter()
converter.register_structure_hook(bool, _bool)
converter.register_structure_hook(int, _count)
converter.register_structure_hook(float, _positive)
converter.register_structure_hook(str, _text)
converter.register_structure_hook_func(lambda t: t == (str | None), _optional_text)
converter.register_structure_hook_func(lambda t: t == tuple[str, ...], _paths)
converter.register_structure_hook_func(lambda t: t == BackendKind, _backend)


def _snake(key: str) -> str:
    """camelCase, as VS Code settings use, to our snake_case; snake_case stays as it is."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", key).lower()


def _reason(error: Exception) -> str:
    if isinstance(error, cattrs.BaseValidationError) and error.exceptions:
        return _reason(error.exceptions[0])
    return str(error) or type(error).__name__


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _overlay(base: T, raw: Mapping[str, Any], problems: Problems, prefix: str = "") -> T:
    """`base` with the keys present in `raw` structured onto it, field by field (nested settings
    merged); a key `raw` holds twice (as `numCtx` and `num_ctx`) counts once, the last."""
    assert is_dataclass(base) and not isinstance(base, type)
    hints = _hints(type(base))
    known = {f.name for f in fields(base)}
    changes: dict[str, Any] = {}
    for key, value in raw.items():
        name, path = _snake(str(key)), f"{prefix}{key}"
        if name not in known:
            problems.unknown.append(path)
            continue
        current = getattr(base, name)
        if is_dataclass(current):
            if isinstance(value, Mapping):
                changes[name] = _overlay(current, value, problems, f"{path}.")
            else:
                problems.invalid.append(f"{path}: expected an object")
            continue
        try:
            changes[name] = converter.structure(value, hints[name])
        except (cattrs.BaseValidationError, TypeError, ValueError) as error:
            problems.invalid.append(f"{path}: cannot use {value!r} ({_reason(error)})")
    return replace(base, **changes)


# -- AI: the client's object and the environment, the backend decided once -------------------------


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


@dataclass(frozen=True)
class BackendFacts:
    """What differs between the backend kinds, beside their client classes (`ai.service.CLIENTS`);
    code elsewhere reads `settings.backend`'s facts here and never compares the kind itself."""

    #: The host when neither the client nor the environment names one.
    default_host: Callable[[Mapping[str, str] | None], str]
    normalize_host: Callable[[str], str]
    #: How to start the server, for the message when nothing answers.
    start_hint: str
    #: How to make a missing model available.
    model_hint: str


BACKEND_FACTS: dict[BackendKind, BackendFacts] = {
    "ollama": BackendFacts(
        default_host=lambda env: environment.ollama_host(env) or f"127.0.0.1:{OLLAMA_DEFAULT_PORT}",
        normalize_host=normalize_ollama_host,
        start_hint="start Ollama (`ollama serve`)",
        model_hint="ollama pull {model}",
    ),
    "openai": BackendFacts(
        default_host=lambda env: OPENAI_DEFAULT_HOST,
        normalize_host=normalize_openai_host,
        start_hint="start the OpenAI-compatible server (llama-server, LM Studio, vLLM)",
        model_hint="load {model} in the server",
    ),
}


def _environment_overlay(env: Mapping[str, str] | None, problems: Problems) -> dict[str, Any]:
    """The `CSOUND_LSP_AI_*` variables as an `ai` object, each value checked by the converter with
    the variable's name in its problem."""
    overlay: dict[str, Any] = {}
    hints: dict[str, Any] = {"backend": BackendKind, "host": str, "enabled": bool, "models": str}
    for variable, path, value in environment.ai_overrides(env):
        try:
            converter.structure(value, hints[path[0]])
        except (TypeError, ValueError) as error:
            problems.invalid.append(f"{variable}: cannot use {value!r} ({error})")
            continue
        target = overlay
        for key in path[:-1]:
            target = target.setdefault(key, {})
        target[path[-1]] = value
    return overlay


def resolve_ai(raw: Any, env: Mapping[str, str] | None, problems: Problems) -> AISettings:
    """The AI settings from the client's `ai` object (None: not given) and the environment."""
    if raw is not None and not isinstance(raw, Mapping):
        problems.invalid.append("ai: expected an object")
        raw = None
    client = dict(raw or {})
    settings = _overlay(AISettings(), client, problems, "ai.")
    overlay = _environment_overlay(env, problems)
    settings = _overlay(settings, overlay, problems, "ai.")
    facts = BACKEND_FACTS[settings.backend]
    host_given = "host" in overlay or any(_snake(str(key)) == "host" for key in client)
    host = settings.host if host_given else facts.default_host(env)
    return replace(settings, host=facts.normalize_host(host))


def parse_ai_settings(raw: Any = None, env: Mapping[str, str] | None = None) -> tuple[AISettings, list[str]]:
    """The AI settings alone (the command line, tests, benchmarks), with every problem as text."""
    problems = Problems()
    settings = resolve_ai(raw, env, problems)
    return settings, problems.all()


# -- the whole object ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Parsed:
    settings: Settings
    problems: Problems


def _checked_engine(result: Settings, before: Settings, problems: Problems) -> Settings:
    from csound_lsp.csound.discovery import normalise_choice

    try:
        return replace(result, engine=normalise_choice(result.engine))
    except ValueError as exc:
        problems.invalid.append(f"engine: {exc}")
        return replace(result, engine=before.engine)


def parse(raw: Any, base: Settings | None = None, env: Mapping[str, str] | None = None) -> Parsed:
    """Settings from client JSON (the `csound` section, or an object holding it) overlaid on `base`
    (the previous settings; the defaults when None). An `ai` object replaces the AI settings as a
    whole, resolved again with the environment; without one they stay as they were (with no `base`,
    the defaults resolved with the environment)."""
    problems = Problems()
    section: Mapping[str, Any] = {}
    if isinstance(raw, Mapping):
        section = raw["csound"] if isinstance(raw.get("csound"), Mapping) else raw
    elif raw is not None:
        problems.invalid.append("settings must be an object")
    ai_raw = section.get("ai")
    if ai_raw is not None and not isinstance(ai_raw, Mapping):
        problems.invalid.append("ai: expected an object")
        ai_raw = None
    before = base or Settings()
    result = _overlay(before, {key: value for key, value in section.items() if key != "ai"}, problems)
    if ai_raw is not None or base is None:
        result = replace(result, ai=resolve_ai(ai_raw, env, problems))
    return Parsed(_checked_engine(result, before, problems), problems)
