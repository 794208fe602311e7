"""Typed server settings with defaults that work with zero configuration.

Clients send settings as `initializationOptions` and through `workspace/configuration` (section
`csound`); both arrive as loose JSON. cattrs (already a dependency of lsprotocol) turns them into
these dataclasses; anything malformed falls back to the default and is reported, never fatal.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, fields, is_dataclass, replace
from typing import Any, TypeVar

import cattrs

log = logging.getLogger(__name__)

T = TypeVar("T")


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
    #: AI settings, kept loose here and parsed by `csound_lsp.ai.settings`.
    ai: dict[str, Any] = field(default_factory=dict)


_converter = cattrs.Converter(forbid_extra_keys=False)


def _strict_bool(value: Any, _type: type) -> bool:
    if isinstance(value, bool):
        return value
    raise ValueError(f"expected true or false, got {value!r}")


_converter.register_structure_hook(bool, _strict_bool)


def _camel_to_snake(key: str) -> str:
    out = []
    for char in key:
        if char.isupper():
            out.append("_" + char.lower())
        else:
            out.append(char)
    return "".join(out)


def _normalise(value: Any) -> Any:
    """Accepts camelCase keys, as VS Code settings use, beside snake_case."""
    if isinstance(value, dict):
        return {_camel_to_snake(str(k)): _normalise(v) for k, v in value.items()}
    return value


def _merge(base: T, raw: dict[str, Any], problems: list[str], prefix: str = "") -> T:
    """Overlays the keys present in `raw` onto `base`, field by field, keeping defaults elsewhere."""
    assert is_dataclass(base) and not isinstance(base, type)
    changes: dict[str, Any] = {}
    for f in fields(base):
        if f.name not in raw:
            continue
        current = getattr(base, f.name)
        value = raw[f.name]
        if is_dataclass(current) and not isinstance(current, type):
            if isinstance(value, dict):
                changes[f.name] = _merge(current, value, problems, f"{prefix}{f.name}.")
            else:
                problems.append(f"{prefix}{f.name}: expected an object")
            continue
        if f.name == "ai" and isinstance(value, dict):
            changes[f.name] = value
            continue
        try:
            changes[f.name] = _converter.structure(value, type(current) if current is not None else str)
        except (cattrs.BaseValidationError, TypeError, ValueError):
            problems.append(f"{prefix}{f.name}: cannot use {value!r}")
    return replace(base, **changes)


def _checked_engine(result: Settings, before: Settings, problems: list[str]) -> Settings:
    from csound_lsp.csound.discovery import normalise_choice

    try:
        return replace(result, engine=normalise_choice(result.engine))
    except ValueError as exc:
        problems.append(f"engine: {exc}")
        return replace(result, engine=before.engine)


def parse_settings(raw: Any, base: Settings | None = None) -> tuple[Settings, list[str]]:
    """Settings from client JSON, plus a list of problems to show the user (empty when all is well)."""
    settings = base or Settings()
    if raw is None:
        return settings, []
    if not isinstance(raw, dict):
        return settings, ["settings must be an object"]
    raw = dict(raw)
    ai_raw = raw.pop("ai", None)
    normalised = _normalise(raw)
    if "csound" in normalised and isinstance(normalised["csound"], dict):
        normalised = normalised["csound"]
    problems: list[str] = []
    result = _merge(settings, normalised, problems)
    if isinstance(ai_raw, dict):
        result = replace(result, ai=ai_raw)
    result = _checked_engine(result, settings, problems)
    for problem in problems:
        log.warning("settings: %s", problem)
    return result, problems
