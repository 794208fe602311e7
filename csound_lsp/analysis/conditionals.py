"""`#ifdef`/`#ifndef` blocks: code Csound's preprocessor may leave out.

Csound reads `#ifdef NAME ... #else ... #end` before it compiles: a branch whose condition fails is
never compiled, so nothing in it can be an error (`#ifdef USE_REVERB` around an opcode from a plugin
the author loads only sometimes, `$NAME` used only where NAME is defined). Our checks read every
branch, so their findings inside a branch Csound may skip are dropped:

* inside an instrument or UDO (item checks): a branch counts as skipped unless it is an `#ifdef`
  branch whose name the item itself defines above it; whether the rest of the document defines it
  is not looked at, so a cached item's findings never depend on text outside it (the editor's
  incremental path stays exact);
* macro uses (a document check): with the whole document's `#define`s (and its includes').
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from csound_lsp.analysis.findings import Finding
from csound_lsp.syntax.model import DocumentModel

# Matched from the '#' (a literal the regex engine finds fast); `_at_line_start` checks what precedes.
_DIRECTIVE = re.compile(rb"#[ \t]*(ifdef|ifndef|else|end\w*)\b[ \t]*(\w*)")
_DEFINE = re.compile(rb"#[ \t]*define[ \t]+(\w+)")


def _at_line_start(source: bytes, offset: int) -> bool:
    line_start = max(source.rfind(b"\n", 0, offset), source.rfind(b"\r", 0, offset)) + 1
    return not source[line_start:offset].strip(b" \t")


_ITEMS = ("instrument_definition", "udo_definition")


@dataclass(frozen=True)
class Branch:
    """One branch of a conditional block: its byte range, and when Csound compiles it."""

    start: int
    end: int
    name: str
    #: True: compiled when `name` is defined (an `#ifdef` branch, or the `#else` of an `#ifndef`).
    when_defined: bool


def branches(source: bytes, start: int = 0, end: int | None = None) -> list[Branch]:
    """The conditional branches between `start` and `end` (an unclosed block runs to `end`)."""
    stop = len(source) if end is None else end
    found: list[Branch] = []
    open_blocks: list[tuple[int, str, bool]] = []  # (branch start, name, when_defined)
    for match in _DIRECTIVE.finditer(source, start, stop):
        if not _at_line_start(source, match.start()):
            continue
        word = match.group(1).decode()
        line_end = source.find(b"\n", match.end(), stop)
        after = stop if line_end == -1 else line_end + 1
        if word in ("ifdef", "ifndef"):
            open_blocks.append((after, match.group(2).decode(), word == "ifdef"))
        elif open_blocks and word == "else":
            begin, name, when_defined = open_blocks.pop()
            found.append(Branch(begin, match.start(), name, when_defined))
            open_blocks.append((after, name, not when_defined))
        elif open_blocks:  # #end, #endif
            begin, name, when_defined = open_blocks.pop()
            found.append(Branch(begin, match.start(), name, when_defined))
    found += [Branch(begin, stop, name, when_defined) for begin, name, when_defined in open_blocks]
    return found


def drop_in_item_branches(model: DocumentModel, findings: list[Finding]) -> list[Finding]:
    """Item findings outside the conditional branches of their instrument or UDO that Csound may skip."""
    if not findings:
        return findings
    skipped: list[tuple[int, int]] = []
    for scope in model.scopes:
        node = scope.node
        if (
            node is None
            or node.type not in _ITEMS
            or model.source.find(b"#if", node.start_byte, node.end_byte) == -1
        ):
            continue
        for branch in branches(model.source, node.start_byte, node.end_byte):
            defined_above = {
                m.group(1).decode()
                for m in _DEFINE.finditer(model.source, node.start_byte, branch.start)
                if _at_line_start(model.source, m.start())
            }
            if not (branch.when_defined and branch.name in defined_above):
                skipped.append((branch.start, branch.end))  # compiled only if defined elsewhere, or not
    if not skipped:
        return findings
    return [f for f in findings if not any(start <= f.start_byte < end for start, end in skipped)]


def in_skipped_branch(offset: int, blocks: list[Branch], defined: frozenset[str] | set[str]) -> bool:
    """Whether `offset` lies in a branch Csound leaves out, given the macro names defined."""
    return any(b.start <= offset < b.end and (b.name in defined) != b.when_defined for b in blocks)


def defined_names(source: bytes) -> frozenset[str]:
    """Every name a `#define` in the text defines (read from the text, so the editor's skeleton,
    which leaves out instrument bodies, sees the same as the whole document)."""
    if b"define" not in source:
        return frozenset()
    return frozenset(
        m.group(1).decode() for m in _DEFINE.finditer(source) if _at_line_start(source, m.start())
    )
