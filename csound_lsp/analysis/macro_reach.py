"""Which variable names a macro use could bring into its scope, so that the variable checks stand down
only where a macro could really define (or use) the name they are about to report.

Csound expands a macro as text: `$SETUP` may hold `inum init 8`, `$SET(kx)` may write `kx` through its
argument. A use can touch a name when the name is a word of the macro's body (or of a macro that body
uses, followed through), or of the use's own arguments. Where the expansion cannot be known, a use
touches every name: the macro is defined nowhere we read (an include, `--omacro`), it is defined twice,
or its body glues a macro to other word characters (`k$N`, `$N.x`), which builds names no word search
sees. Csound's own macros (`$M_PI`) are numbers: they touch nothing.

The whole-document path and the editor's per-item path must agree, and the editor reads an item's
body only when the item changes: so a `#define` inside an instrument or UDO body (or a `#define` the
model did not read at all) makes every macro unknowable, in both paths alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from tree_sitter import Node

from csound_lsp.analysis.structure_checks import BUILTIN_MACROS
from csound_lsp.syntax.model import DocumentModel, Ref

#: The words a macro's expansion may hold, by macro name; None where it cannot be known.
Reach = Mapping[str, frozenset[str] | None]

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_USE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_GLUED = re.compile(r"[A-Za-z0-9_]\$|\$[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z0-9_]")
#: What may stand before an opcode on its line: results (`kx`, `kArr[]`, `aL, aR`) and a label.
_RESULTS = re.compile(r"[A-Za-z0-9_ \t,\[\]:]*")
_DEFINE_WORD = re.compile(rb"#[ \t]*define")
_ITEM_TYPES = frozenset({"instrument_definition", "udo_definition"})
#: How far a use's arguments are read when their closing `)` is missing.
_ARGUMENTS_LIMIT = 4096


def document_reach(model: DocumentModel) -> dict[str, frozenset[str] | None]:
    """The reach of the macros a whole document's model (or the editor's skeleton of it) defines.

    Every macro is unknowable where one is defined twice, or where the text holds a `#define` outside
    the top level's definitions (inside an item's body, or one we did not read)."""
    reach = _reach(model, {})
    if reach and _all_unknowable(model):
        return dict.fromkeys(reach, None)
    return reach


def item_reach(model: DocumentModel, outside: Reach) -> dict[str, frozenset[str] | None]:
    """The reach for one item's model: the document's table (`document_reach` of the skeleton), and
    the item's own macros unknowable (a `#define` in a body makes every macro unknowable anyway)."""
    found: dict[str, frozenset[str] | None] = dict(outside)
    found.update(dict.fromkeys(model.macros, None))
    return found


def _all_unknowable(model: DocumentModel) -> bool:
    if model.redefined_macros:
        return True
    top_level = sum(
        1 for m in model.macros.values() if m.node.type == "define_directive" and not _in_item(m.node)
    )
    return len(_DEFINE_WORD.findall(model.source)) > top_level


def _in_item(node: Node) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.type in _ITEM_TYPES:
            return True
        parent = parent.parent
    return False


def _reach(model: DocumentModel, outside: Reach) -> dict[str, frozenset[str] | None]:
    """The reach of every macro the model defines, and of those `outside` gives (defined beyond the
    model). A name defined in both is unknowable."""
    found: dict[str, frozenset[str] | None] = dict(outside)
    own: dict[str, frozenset[str] | None] = {}

    def reach(name: str, seen: frozenset[str]) -> frozenset[str] | None:
        macro = model.macros.get(name)
        if macro is None:
            return frozenset() if _builtin(name, outside) else outside.get(name)
        if name in own:
            return own[name]
        if name in model.redefined_macros or name in outside or name in seen or _GLUED.search(macro.body):
            return None
        words = set(_WORD.findall(macro.body))
        for nested in _USE.findall(macro.body):
            if nested in macro.parameters:
                continue  # `$x` of `#define TWICE(x)`: the use's arguments stand there
            more = reach(nested, seen | {name})
            if more is None:
                return None
            words |= more
        return frozenset(words)

    for name in model.macros:
        found[name] = own[name] = reach(name, frozenset())
    return found


def _builtin(name: str, reach: Reach) -> bool:
    """Csound's own macro, a number, where the document does not define the name itself."""
    return name in BUILTIN_MACROS and name not in reach


def use_arguments(source: bytes, use: Ref, limit: int | None = None) -> str:
    """The text of a use's arguments (`$SET(kx' 1)` -> `kx' 1`), "" for a use without any; read no
    further than `limit` (the end of the use's scope: an item's analysis reads only its own bytes)."""
    end_at = min(len(source), use.end_byte + _ARGUMENTS_LIMIT, len(source) if limit is None else limit)
    at = use.end_byte
    if source[at : at + 1] == b".":
        at += 1
    if at >= end_at or source[at : at + 1] != b"(":
        return ""
    depth = 0
    for end in range(at, end_at):
        char = source[end : end + 1]
        if char == b"(":
            depth += 1
        elif char == b")":
            depth -= 1
            if depth == 0:
                return source[at + 1 : end].decode("utf-8", "replace")
    return source[at + 1 : end_at].decode("utf-8", "replace")  # unclosed: all that may belong to it


def results_before(source: bytes, use: Ref, start: int) -> list[str]:
    """The words before a use on its line, where they can be a statement's results and the macro its
    opcode (`a1 $OSC(5000'440'1)`, `aL, aR $PAIR`); read no further back than `start` (its scope's)."""
    line_start = max(start, source.rfind(b"\n", 0, use.start_byte) + 1)
    before = source[line_start : use.start_byte].decode("utf-8", "replace").removesuffix("$")
    return _WORD.findall(before) if _RESULTS.fullmatch(before) else []


def toucher(
    model: DocumentModel, uses: list[Ref], reach: Reach, span: tuple[int, int]
) -> Callable[[str], bool]:
    """A test of whether any of `uses` (in a scope covering the bytes `span`) could bring a name in,
    computed on first need."""
    words: set[str] = set()
    state: list[bool] = []  # [unknowable], filled on first call

    def touches(name: str) -> bool:
        if not uses:
            return False
        if not state:
            unknowable = False
            for use in uses:
                if _builtin(use.name, reach):
                    continue
                found = reach.get(use.name)
                if found is None:
                    unknowable = True
                    break
                words.update(found)
                words.update(_WORD.findall(use_arguments(model.source, use, span[1])))
                words.update(results_before(model.source, use, span[0]))
            state.append(unknowable)
        return state[0] or name in words

    return touches
