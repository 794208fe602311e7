"""The texts hover, completion and signature help share for opcodes and UDOs: one overload as Csound
writes it and in words, an opcode's whole Markdown (overloads, arguments, example, manual link), a
UDO's declaration and what a variable's type means."""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

from csound_lsp.catalog import Catalog, Opcode, Overload, default_catalog
from csound_lsp.catalog.cheatsheet import CATEGORIES
from csound_lsp.catalog.types import Param, split_found
from csound_lsp.catalog.versions import note_for
from csound_lsp.features.overloads import entry_for, named_inputs, named_outputs, safe_params
from csound_lsp.settings import Settings
from csound_lsp.syntax.model import Udo

DEFAULT_MANUAL = Path("/usr/share/doc/csound-doc/html")


@lru_cache(maxsize=8192)
def overload_line(name: str, overload: Overload) -> str:
    """`a oscili k, k, [j], [o]`: one overload with Csound's letters, optional slots in brackets."""
    outs = ", ".join(p.spelled + ("..." if p.variadic else "") for p in safe_params(overload.outputs, "out"))
    ins = ", ".join(_slot_text(p) for p in safe_params(overload.inputs, "in"))
    return " ".join(part for part in (outs, name, ins) if part)


def _slot_text(param: Param) -> str:
    text = param.spelled + ("..." if param.variadic else "")
    return f"[{text}]" if param.optional else text


def _short_words(param: Param) -> str:
    """`optional init-time value = -1` rather than the full sentence."""
    words = param.words.split(" (")[0].split(",")[0]
    if param.optional and param.default is not None:
        words += f" = {param.default:g}"
    return words


def overload_words(overload: Overload) -> str:
    """The overload in words: `audio signal ← control value, control value, optional ...`."""
    outs = ", ".join(_short_words(p) for p in safe_params(overload.outputs, "out")) or "nothing"
    ins = ", ".join(_short_words(p) for p in safe_params(overload.inputs, "in")) or "no arguments"
    return f"gives {outs}; takes {ins}"


def opcode_markdown(
    opcode: Opcode,
    chosen: Overload | None,
    call_words: str | None,
    manual: Path | None,
    *,
    matched: bool = False,
) -> str:
    """Everything we know about an opcode; `chosen` is the overload this call uses (marked ▶)."""
    entry = entry_for(opcode.name)
    title = f"**{opcode.name}**"
    if opcode.deprecated:
        title += " — *deprecated*"
    if (version := note_for(opcode.name)) is not None:
        title += f" — *{version}*"
    if entry is not None:
        title += f" · {entry.category}" if entry.category in CATEGORIES else ""
    lines = [title, ""]
    if entry is not None:
        lines += [entry.description, ""]
    if matched:
        if chosen is not None:
            lines.append(f"Overloads (▶ the one this call uses: {call_words}):")
        else:
            lines.append(f"Overloads (none fits this call, which {call_words}):")
    else:
        lines.append("Overloads:")
    for overload in opcode.overloads:
        mark = "▶ " if chosen is not None and overload == chosen else ""
        note = " *(deprecated)*" if overload.deprecated and not opcode.deprecated else ""
        lines.append(f"- {mark}`{overload_line(opcode.name, overload)}` — {overload_words(overload)}{note}")
    shown = chosen or (opcode.overloads[0] if opcode.overloads else None)
    if shown is not None:
        lines += ["", *_parameter_lines(opcode.name, shown, chosen is not None)]
    if entry is not None and entry.example:
        lines += ["", "```csound", entry.example, "```"]
    link = manual_link(opcode.name, manual)
    if link is not None:
        lines += ["", f"[Csound manual: {opcode.name}]({link})"]
    return "\n".join(lines).strip()


def _parameter_lines(name: str, overload: Overload, is_chosen: bool) -> list[str]:
    entry = entry_for(name)
    lines = ["Arguments of the marked overload:" if is_chosen else "Arguments:"]
    inputs = named_inputs(overload.inputs, entry)
    if not inputs:
        lines.append("- none")
    for named in inputs:
        meaning = f" — {named.meaning}" if named.meaning else ""
        lines.append(f"- `{named.label}` ({named.param.spelled}): {named.param.words}{meaning}")
    outputs = named_outputs(overload.outputs, entry)
    if outputs:
        lines.append("Outputs:")
        for named in outputs:
            meaning = f" — {named.meaning}" if named.meaning else ""
            lines.append(f"- `{named.name}` ({named.param.spelled}): {named.param.words}{meaning}")
    return lines


def opcode_hover_text(name: str, settings: Settings | None = None, catalog: Catalog | None = None) -> str:
    """An opcode's hover text without a call (completion's documentation, tests, coverage)."""
    opcode = (catalog or default_catalog()).get(name)
    if opcode is None:
        return ""
    return opcode_markdown(opcode, None, None, manual_dir(settings or Settings()))


def manual_dir(settings: Settings) -> Path | None:
    directory = Path(settings.manual_path) if settings.manual_path else DEFAULT_MANUAL
    return directory if directory.is_dir() else None


@lru_cache(maxsize=8)
def _manual_pages(directory: str) -> frozenset[str]:
    try:
        return frozenset(name for name in os.listdir(directory) if name.endswith(".html"))
    except OSError:
        return frozenset()


def manual_link(name: str, manual: Path | None) -> str | None:
    if manual is None:
        return None
    pages = _manual_pages(str(manual))
    for candidate in (f"{name}.html", f"{name.lower()}.html"):
        if candidate in pages:
            return (manual / candidate).as_uri()
    return None


def udo_markdown(udo: Udo) -> str:
    """A UDO's declared signature and the comment block above it."""
    if udo.syntax in ("typed", "declared"):
        params = ", ".join(f"{n}:{_type_text(t)}" if t else n for n, t in udo.parameters)
        outs = safe_params("" if udo.output_types in ("0", "") else udo.output_types, "out")
        returns = ", ".join(_type_text(p.spelled) for p in outs) or "void"
        keyword = "declare" if udo.syntax == "declared" else "opcode"
        declaration = f"{keyword} {udo.name}({params}):({returns})"
    else:
        declaration = f"opcode {udo.name}, {udo.output_types}, {udo.input_types}"
    lines = [f"**{udo.name}** — user-defined opcode", "", "```csound", declaration, "```"]
    outs = safe_params("" if udo.output_types in ("0", "") else udo.output_types, "out")
    ins = safe_params("" if udo.input_types in ("0", "") else udo.input_types, "in")
    lines.append(
        "gives "
        + (", ".join(_short_words(p) for p in outs) or "nothing")
        + "; takes "
        + (", ".join(_short_words(p) for p in ins) or "no arguments")
    )
    if udo.doc:
        lines += ["", udo.doc]
    return "\n".join(lines)


def _type_text(spelled: str) -> str:
    """`:Point;[]` (the catalog's spelling) -> `Point[]`, as the code writes it."""
    return re.sub(r":(\w+);", r"\1", spelled)


def rate_words(type_text: str) -> str:
    base, dims = split_found(type_text)
    words = {
        "a": "audio-rate (a) variable",
        "k": "control-rate (k) variable",
        "i": "init-time (i) variable",
        "S": "string (S) variable",
        "f": "streaming spectral (f) variable",
        "w": "spectral (w) variable",
        "B": "k-rate condition",
        "b": "i-time condition",
        "p": "p-field (init-time)",
        "r": "header constant (init-time)",
    }.get(base, "variable of unknown type")
    if dims:
        words = f"{'' if dims == 1 else f'{dims}-dimensional '}array: " + words.replace(
            " variable", " values"
        )
    return words
