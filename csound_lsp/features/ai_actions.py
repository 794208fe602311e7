"""AI code actions, listed cheaply: Explain, Fix with AI, Generate. The work happens on resolve.

Listing never calls a model: it looks at the selection, the enclosing instrument or UDO, the line's
opcode call, the error diagnostics the deterministic quick fixes leave unsolved, and `; generate:`
comments. Each action carries `data = {"provider": "ai.<what>", "uri", "version", ...}`; the server
(`server.ai.AIFeature.resolve_action`) runs the assistant and fills in the edit. The server offers
these only while the AI backend is believed usable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lsprotocol import types

from csound_lsp.features import convert
from csound_lsp.features.quick_fixes import quick_fixes
from csound_lsp.settings import Settings
from csound_lsp.syntax.document import Document, Position
from csound_lsp.syntax.focus import focused_model
from csound_lsp.syntax.model import ScopeKind

EXPLAIN_KIND = "refactor.ai.explain"
GENERATE_KIND = "refactor.ai.generate"
FIX_KIND = "quickfix.ai"
GENERATE_COMMENT = re.compile(r"^\s*;+\s*generate\s*:\s*(\S.*?)\s*$", re.I)

#: The kinds of the AI's actions (the server announces them beside the quick fixes').
AI_ACTION_KINDS: tuple[types.CodeActionKind, ...] = (
    types.CodeActionKind.Refactor,
    types.CodeActionKind.QuickFix,
)


@dataclass(frozen=True)
class Target:
    """Code to explain: its byte range, what to call it, and where comments go."""

    start_byte: int
    end_byte: int
    label: str
    #: 0-based line above which comments are inserted, and that line's indentation.
    insert_line: int
    indent: str


def _line_of(document: Document, byte: int) -> int:
    return document.index.position(byte).line


def _indent(document: Document, line: int) -> str:
    text = document.index.line_bytes(line).decode("utf-8", errors="replace")
    return text[: len(text) - len(text.lstrip(" \t"))]


def explain_targets(document: Document, start: int, end: int) -> list[Target]:
    """What `Explain` can be about at this range: the selection, the opcode line, the enclosing unit."""
    targets: list[Target] = []
    if end > start and document.source[start:end].strip():
        line = _line_of(document, start)
        targets.append(Target(start, end, "selection", line, _indent(document, line)))
        return targets
    model = focused_model(document, start)
    line = _line_of(document, start)
    for call in model.calls():
        if _line_of(document, call.node.start_byte) == line:
            line_start = document.index.offset(Position(line, 0))
            last = line + 1 >= document.index.line_count
            line_end = len(document.source) if last else document.index.offset(Position(line + 1, 0))
            targets.append(Target(line_start, line_end, f"line ({call.name})", line, _indent(document, line)))
            break
    scope = model.scope_at(start)
    if scope.kind is not ScopeKind.GLOBAL and scope.node is not None:
        what = "instrument" if scope.kind is ScopeKind.INSTRUMENT else "UDO"
        name = re.sub(r"^(instr|opcode)\s+", "", scope.name)
        unit_line = _line_of(document, scope.node.start_byte)
        targets.append(
            Target(
                scope.node.start_byte,
                scope.node.end_byte,
                f"{what} {name}".strip(),
                unit_line,
                _indent(document, unit_line),
            )
        )
    return targets


def _data(document: Document, provider: str, **extra: Any) -> dict[str, Any]:
    return {"provider": provider, "uri": document.uri, "version": document.version, **extra}


def ai_action_provider(
    document: Document, params: types.CodeActionParams, settings: Settings
) -> list[types.CodeAction]:
    span = convert.span_from_lsp(params.range)
    start = document.index.offset(span.start)
    end = document.index.offset(span.end)
    actions: list[types.CodeAction] = []
    for target in explain_targets(document, start, end):
        actions.append(
            types.CodeAction(
                title=f"Explain {target.label} with AI",
                kind=EXPLAIN_KIND,
                data=_data(
                    document,
                    "ai.explain",
                    start=target.start_byte,
                    end=target.end_byte,
                    line=target.insert_line,
                    indent=target.indent,
                ),
            )
        )
    line = span.start.line
    comment = GENERATE_COMMENT.match(document.index.line_bytes(line).decode("utf-8", errors="replace"))
    if comment is not None:
        description = comment.group(1)
        short = description if len(description) <= 48 else description[:45] + "..."
        actions.append(
            types.CodeAction(
                title=f"Generate with AI: {short}",
                kind=GENERATE_KIND,
                data=_data(document, "ai.generate", description=description, line=line),
            )
        )
    unsolved = _unsolved_errors(document, params, start, end)
    if unsolved:
        actions.append(
            types.CodeAction(
                title="Fix with AI" + (f": {unsolved[0].message[:60]}" if len(unsolved) == 1 else ""),
                kind=FIX_KIND,
                diagnostics=unsolved,
                data=_data(document, "ai.fix"),
            )
        )
    return actions


def _unsolved_errors(
    document: Document, params: types.CodeActionParams, start: int, end: int
) -> list[types.Diagnostic]:
    """Error diagnostics in the request that no deterministic quick fix covers."""
    errors = [d for d in params.context.diagnostics if d.severity == types.DiagnosticSeverity.Error]
    if not errors:
        return []
    solved: list[types.Diagnostic] = []
    try:
        for action in quick_fixes(document, start, end):
            solved.extend(action.diagnostics or ())
    except Exception:  # a quick-fix defect must not hide the AI fix
        solved = []
    keys = {(d.message, d.range.start.line) for d in solved}
    return [d for d in errors if (d.message, d.range.start.line) not in keys]


def minimal_edit(document: Document, new_text: str) -> types.TextEdit:
    """One edit replacing only the part of the document that changed."""
    old = document.text
    head = 0
    limit = min(len(old), len(new_text))
    while head < limit and old[head] == new_text[head]:
        head += 1
    tail = 0
    while tail < limit - head and old[len(old) - 1 - tail] == new_text[len(new_text) - 1 - tail]:
        tail += 1
    # whole lines read better in a diff preview
    head = old.rfind("\n", 0, head) + 1
    start_byte = len(old[:head].encode("utf-8"))
    end_byte = len(old[: len(old) - tail].encode("utf-8"))
    return types.TextEdit(
        range=convert.byte_range(document, start_byte, end_byte),
        new_text=new_text[head : len(new_text) - tail],
    )


def insert_lines(document: Document, line: int, text: str) -> types.TextEdit:
    """Inserts whole lines above `line` (0-based)."""
    position = types.Position(line=line, character=0)
    return types.TextEdit(range=types.Range(start=position, end=position), new_text=text)


def workspace_edit(document: Document, edits: list[types.TextEdit]) -> types.WorkspaceEdit:
    return types.WorkspaceEdit(changes={document.uri: edits})


def generated_edits(
    document: Document, line: int, code: str, score: str, note: str = ""
) -> list[types.TextEdit]:
    """The instrument below the `; generate:` line; score lines before `</CsScore>` when there is one."""
    body = (note + "\n" if note else "") + code.rstrip("\n") + "\n"
    below = min(line + 1, document.index.line_count)
    edits = [insert_lines(document, below, body)]
    close = document.text.lower().rfind("</csscore>")
    if score.strip() and close >= 0:
        byte = len(document.text[:close].encode("utf-8"))
        position = convert.to_lsp_position(document.index.position(byte))
        edits.append(
            types.TextEdit(range=types.Range(start=position, end=position), new_text=score.strip() + "\n")
        )
    return edits
