"""Readable syntax errors from the tree's ERROR and MISSING nodes.

tree-sitter marks what it could not parse; users need to hear what is wrong in Csound's terms
("missing endin for instr 3"), on the smallest range that shows it.
"""

from __future__ import annotations

from tree_sitter import Node, Tree

from csound_lsp.analysis.findings import Finding, Severity
from csound_lsp.syntax.recovery import recovery_nodes

_BLOCK_NAMES = {
    "instrument_definition": "instr",
    "udo_definition": "opcode",
    "if_statement": "if",
    "while_loop": "while",
    "until_loop": "until",
}

_MAX_ERRORS = 200
_SNIPPET = 30


def syntax_errors(tree: Tree, source: bytes) -> list[Finding]:
    """Every syntax error in the tree, at most a few hundred so huge broken files stay responsive."""
    findings: list[Finding] = []
    # an ERROR node's insides are noise: it is reported once
    for node in recovery_nodes(tree.root_node, into_errors=False):
        findings.append(_describe(node, source))
        if node.is_missing:
            findings.extend(_still_open(node, source))
        if len(findings) >= _MAX_ERRORS:
            break
    return findings


def _describe(node: Node, source: bytes) -> Finding:
    if node.is_missing:
        return _missing(node, source)
    text = source[node.start_byte : node.end_byte].decode("utf-8", errors="replace")
    first_line = text.strip().splitlines()[0] if text.strip() else ""
    first_line = "".join(c if c.isprintable() else " " for c in first_line).strip()
    snippet = first_line if len(first_line) <= _SNIPPET else first_line[:_SNIPPET] + "..."
    start, end = node.start_byte, node.end_byte
    # Keep the squiggle on one line: an error spanning lines is shown where it starts.
    newline = source.find(b"\n", start, end)
    if newline != -1 and newline > start:
        end = newline
    context = _enclosing_block(node, source)
    where = f" in {context}" if context else ""
    message = f"syntax error{where}: unexpected '{snippet}'" if snippet else f"syntax error{where}"
    if _score_reader_skips(node, first_line):
        message = f"score: unexpected '{snippet}' (Csound's score reader skips it)"
        return Finding(start, end, Severity.WARNING, "score-syntax", message)
    return Finding(start, end, Severity.ERROR, "syntax-error", message)


#: Statement letters of Csound's score reader; another letter starting a statement is "illegal opcode".
_SCORE_LETTERS = frozenset("abBCdefimnqrstvxy{}")


def _score_reader_skips(node: Node, first_line: str) -> bool:
    """Csound's score reader warns "unexpected char" and reads on where a character makes no sense
    (`i 1 0 1 @`, `fo 10`); only a statement that starts with an unknown letter stops it."""
    parent = node.parent
    if parent is None or parent.type not in ("score_section", "score") or not first_line:
        return False
    return not first_line[0].isalpha() or first_line[0] in _SCORE_LETTERS


def _missing(node: Node, source: bytes) -> Finding:
    wanted = node.type
    context = _enclosing_block(node, source)
    block = _enclosing_block_node(node)
    if context and block is not None and wanted in {"endin", "endop", "endif", "od", "fi", "enduntil"}:
        # Shown on the line that opens the block: that is where the reader looks for its end.
        line_end = source.find(b"\n", block.start_byte)
        end = line_end if line_end != -1 else block.end_byte
        message = f"missing {wanted} for {context}"
        return Finding(block.start_byte, end, Severity.ERROR, f"missing-{wanted}", message)
    if context and wanted in {"endin", "endop", "endif", "od", "fi"}:
        message = f"missing {wanted} for {context}"
    elif wanted.isidentifier() or wanted in {")", "]", "}", ",", "#", '"'}:
        message = f"missing '{wanted}'" + (f" in {context}" if context else "")
    else:
        message = f"missing {wanted.replace('_', ' ')}" + (f" in {context}" if context else "")
    start = node.start_byte
    return Finding(start, start, Severity.ERROR, "missing", message)


def _still_open(node: Node, source: bytes) -> list[Finding]:
    """A block end missing below the block's first line is also named where the reader finds out:
    the line that cannot belong to the block (the next `instr`, the `endin` of an `if` left open) or
    the end of the section. Csound names that line ("unexpected INSTR_TOKEN", "unexpected end of
    file"), and someone reading Csound's message looks there."""
    wanted = node.type
    block = _enclosing_block_node(node)
    context = _enclosing_block(node, source)
    if wanted not in _BLOCK_ENDS or block is None or context is None:
        return []
    if node.start_point.row == block.start_point.row:
        return []
    start = node.start_byte
    line_end = source.find(b"\n", start)
    line = source[start : len(source) if line_end == -1 else line_end]
    end = start + len(line.rstrip())
    message = f"missing {wanted}: {context} (line {block.start_point.row + 1}) is still open here"
    return [Finding(start, end, Severity.ERROR, "unclosed-block", message, data={"keyword": wanted})]


_BLOCK_ENDS = frozenset({"endin", "endop", "endif", "od", "fi", "enduntil"})


def _enclosing_block_node(node: Node) -> Node | None:
    current: Node | None = node.parent
    while current is not None and current.type not in _BLOCK_NAMES:
        current = current.parent
    return current


def _enclosing_block(node: Node, source: bytes) -> str | None:
    current: Node | None = node.parent
    while current is not None:
        keyword = _BLOCK_NAMES.get(current.type)
        if keyword is not None:
            names = current.children_by_field_name("name")
            label = ", ".join(
                source[n.start_byte : n.end_byte].decode("utf-8", errors="replace") for n in names
            )
            return f"{keyword} {label}".strip()
        current = current.parent
    return None
