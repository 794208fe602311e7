"""Formatting that never changes meaning: indentation and column alignment, whitespace only.

Orchestra bodies (instruments, UDOs, `if`/`while` blocks) are indented by `settings.indent`; runs of
one-line opcode statements and assignments are aligned in the house style (outputs, opcode,
arguments in columns); runs of score statements of the same kind get aligned p-field columns.

Only whitespace *between* tokens changes, and only at the start of a line or between the columns of
a one-line statement. Strings, `{{ }}`, macro bodies, preprocessor lines, comments' insides and
unknown sections are never touched. Top-level items (an instrument, a UDO, a statement, a score
line) that hold an ERROR or MISSING node are left exactly as they are and reported in
`FormatPlan.skipped`, so the clean parts of a file with a syntax error still get formatted
(`bench/format_conformance.py` checks all this over every example of the Csound manual).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from lsprotocol import types
from tree_sitter import Node

from csound_lsp.features.convert import byte_range, position_from_lsp
from csound_lsp.settings import FormattingSettings
from csound_lsp.syntax.document import Document

_BLOCK_NODES = frozenset(
    {"instrument_definition", "udo_definition", "while_loop", "until_loop", "if_statement"}
)
_CLAUSES = frozenset({"elseif_clause", "else_clause"})
_HEADER_CHILDREN = frozenset(
    {"udo_types", "parameter_list", "type", "type_list", "plus_name", "number", "identifier", "macro_use"}
)
_CLOSERS = frozenset({"endin", "endop", "endif", "fi", "od", "enduntil"})
_ALIGNABLE = frozenset({"opcode_statement", "assignment"})
_UNTOUCHED = frozenset(
    {"define_directive", "undef_directive", "include_directive", "ifdef_directive", "ifndef_directive",
     "else_directive", "end_directive", "struct_definition"}
)  # fmt: skip
#: Alignment never pushes a column further right than this; longer outputs just take one space.
MAX_OUTPUT_COLUMN = 24
MAX_OPCODE_COLUMN = 16


@dataclass
class _Row:
    """One line to rebuild: its indent depth, and the columns when it joins an aligned block."""

    line: int
    depth: int
    first_byte: int
    cells: list[str] | None = None
    rest: str = ""
    group: tuple[object, ...] = ()


class _Formatter:
    def __init__(self, document: Document, settings: FormattingSettings) -> None:
        self.document = document
        self.source = document.source
        self.index = document.index
        self.settings = settings
        self.rows: dict[int, _Row] = {}

    # -- helpers ---------------------------------------------------------------------------------------
    def starts_line(self, offset: int) -> bool:
        line_start = self.index.line_starts[self.index.point(offset).row]
        return self.source[line_start:offset].strip(b" \t") == b""

    def content_end(self, node: Node) -> int:
        end = node.end_byte
        while end > node.start_byte and self.source[end - 1] in b" \t\r\n":
            end -= 1
        return end

    def one_line(self, node: Node) -> bool:
        return (
            self.index.point(node.start_byte).row
            == self.index.point(max(node.start_byte, self.content_end(node) - 1)).row
        )

    def line_end(self, line: int) -> int:
        return self.index.line_starts[line] + len(self.index.line_bytes(line))

    def text(self, start: int, end: int) -> str:
        return self.source[start:end].decode("utf-8", errors="replace")

    def mark(self, offset: int, depth: int) -> _Row | None:
        if not self.starts_line(offset):
            return None
        line = self.index.point(offset).row
        row = _Row(line, max(depth, 0), offset)
        self.rows[line] = row
        return row

    # -- orchestra -------------------------------------------------------------------------------------
    def broken(self, node: Node) -> bool:
        """An item with a syntax error: left untouched, its lines noted."""
        if not (node.has_error or node.is_missing or node.type == "ERROR"):
            return False
        first = self.index.point(node.start_byte).row
        last = self.index.point(max(node.start_byte, self.content_end(node) - 1)).row
        self.skipped.append((first, last))
        return True

    def orchestra_items(self, container: Node, depth: int) -> None:
        for child in container.children:
            if not child.is_named or child.type in ("start_tag", "end_tag"):
                continue
            if self.broken(child):
                continue
            self.statement(child, depth)

    def statement(self, node: Node, depth: int) -> None:
        kind = node.type
        if kind in _UNTOUCHED:
            return
        if kind == "label_statement":
            self.mark(node.start_byte, depth - 1)
            return
        row = self.mark(node.start_byte, depth)
        if kind in _BLOCK_NODES:
            self.block(node, depth)
        elif kind in _ALIGNABLE and row is not None and self.one_line(node):
            self.columns(node, row, depth)

    def block(self, node: Node, depth: int) -> None:
        """The body one level in; clauses and the closing word back at the block's own level."""
        header_end = node.start_byte
        for child in node.children:
            if child.type in _CLAUSES:
                self.mark(child.start_byte, depth)
                clause_header_end = child.start_byte
                for grandchild in child.children:
                    if (
                        grandchild.is_named
                        and grandchild.type != "comment"
                        and grandchild.start_byte > clause_header_end
                    ):
                        if child.child_by_field_name("condition") == grandchild:
                            continue
                        self.statement(grandchild, depth + 1)
                    elif grandchild.type == "comment" and grandchild.start_byte > child.start_byte:
                        self.mark(grandchild.start_byte, depth + 1)
                continue
            if not child.is_named:
                # a closing keyword (`endin`, `endif`, `od`) on its own line
                if child.end_byte > child.start_byte > node.start_byte and child.type in _CLOSERS:
                    self.mark(child.start_byte, depth)
                continue
            if self._is_header_child(node, child):
                header_end = max(header_end, child.end_byte)
                continue
            if child.type == "comment":
                if child.start_byte > header_end:
                    self.mark(child.start_byte, depth + 1)
                continue
            self.statement(child, depth + 1)

    @staticmethod
    def _is_header_child(node: Node, child: Node) -> bool:
        for field in ("name", "condition", "output_types", "input_types", "parameters", "return_types"):
            if any(c == child for c in node.children_by_field_name(field)):
                return True
        return False

    def columns(self, node: Node, row: _Row, depth: int) -> None:
        """Splits a one-line opcode statement or assignment into outputs, opcode and the rest."""
        if node.type == "assignment":
            left = node.child_by_field_name("left")
            operator = node.child_by_field_name("operator")
            right = node.child_by_field_name("right")
            if left is None or operator is None or right is None:
                return
            outputs, opcode, rest_start = [left], operator, right.start_byte
        else:
            outputs = node.children_by_field_name("output")
            found = node.child_by_field_name("opcode")
            arguments = node.child_by_field_name("arguments")
            if found is None:
                return
            opcode = found
            rest_start = arguments.start_byte if arguments is not None else opcode.end_byte
            for child in node.children:  # anything but outputs, commas, opcode and arguments: leave alone
                if child.type in (",", "comment") or any(child == o for o in outputs):
                    continue
                if child == opcode or (arguments is not None and child == arguments):
                    continue
                return
        if outputs and outputs[-1].end_byte == opcode.start_byte:
            return  # written together (`a1=2`): spacing them out could change how the words are read
        if rest_start == opcode.end_byte and rest_start < self.content_end(node):
            return  # `out(a1)`: a space would make `out` an opcode word instead of a call
        parent = node.parent
        line_end = self.line_end(row.line)
        outputs_text = self.text(outputs[0].start_byte, outputs[-1].end_byte) if outputs else ""
        has_arguments = rest_start > opcode.end_byte
        rest = self.text(rest_start, line_end)
        if not has_arguments:
            rest = rest.rstrip(" \t") if not rest.strip() else rest
        row.cells = [outputs_text, self.text(opcode.start_byte, opcode.end_byte)]
        row.rest = rest
        row.group = (
            "orc",
            depth,
            parent.id if parent is not None else 0,
            has_arguments or bool(rest.strip()),
        )

    # -- score -----------------------------------------------------------------------------------------
    def score_items(self, container: Node, depth: int) -> None:
        for child in container.children:
            if not child.is_named or child.type in ("start_tag", "end_tag"):
                if child.type == "}" and self.starts_line(child.start_byte):
                    self.mark(child.start_byte, depth - 1)
                continue
            if child.type in _UNTOUCHED or self.broken(child):
                continue
            if child.type == "score_loop":
                self.mark(child.start_byte, depth)
                self.score_items(child, depth + 1)
                continue
            row = self.mark(child.start_byte, depth)
            if child.type == "score_statement" and row is not None and self.one_line(child):
                self.score_columns(child, row, depth)

    def score_columns(self, node: Node, row: _Row, depth: int) -> None:
        kind = node.child_by_field_name("kind")
        fields = node.children_by_field_name("field")
        if kind is None:
            return
        parts = [kind, *fields]
        for child in node.children:
            if child.type != "comment" and not any(child == p for p in parts):
                return
        for before, after in itertools.pairwise(parts[1:]):
            if before.end_byte == after.start_byte:
                return  # fields written together: keep them as they are
        adjacent = bool(fields) and kind.end_byte == fields[0].start_byte
        cells = [self.text(p.start_byte, p.end_byte) for p in parts]
        if adjacent:
            cells = [cells[0] + cells[1], *cells[2:]]
        last = parts[-1]
        row.cells = cells
        row.rest = self.text(last.end_byte, self.line_end(row.line))
        letter = self.text(kind.start_byte, kind.end_byte)
        row.group = ("sco", depth, letter, adjacent)

    # -- output ----------------------------------------------------------------------------------------
    def lines(self) -> dict[int, str]:
        """New text for each line that changes."""
        indent_unit = " " * max(0, self.settings.indent)
        widths = self._widths()
        result: dict[int, str] = {}
        for line, row in self.rows.items():
            indent = indent_unit * row.depth
            old = self.index.line_bytes(line).decode("utf-8", errors="replace")
            if row.cells is not None and line in widths:
                new = indent + _join(row, widths[line])
            else:
                new = indent + self.text(row.first_byte, self.line_end(line))
            if new != old:
                result[line] = new
        for line in range(self.index.line_count):
            if line in self.rows or line not in self.blank_candidates:
                continue
            if self.index.line_bytes(line) and not self.index.line_bytes(line).strip():
                result[line] = ""
        return result

    def _widths(self) -> dict[int, list[int]]:
        """Column widths per aligned line: computed over each run of consecutive lines of one group."""
        aligned = self.settings.align_opcodes, self.settings.align_score
        widths: dict[int, list[int]] = {}
        run: list[_Row] = []

        def close() -> None:
            if len(run) > 0:
                is_orc = run[0].group[0] == "orc"
                if (is_orc and aligned[0]) or (not is_orc and aligned[1]):
                    count = max(len(r.cells or []) for r in run)
                    column = [0] * count
                    for r in run:
                        for i, cell in enumerate(r.cells or []):
                            column[i] = max(column[i], len(cell))
                    if is_orc:
                        column[0] = min(column[0], MAX_OUTPUT_COLUMN)
                        column[1] = min(column[1], MAX_OPCODE_COLUMN)
                    for r in run:
                        widths[r.line] = column
            run.clear()

        for line in sorted(self.rows):
            row = self.rows[line]
            if row.cells is None:
                close()
                continue
            if run and (run[-1].line != line - 1 or run[-1].group[:3] != row.group[:3]):
                close()
            run.append(row)
        close()
        return widths

    blank_candidates: set[int]
    skipped: list[tuple[int, int]]

    def run(self) -> FormatPlan:
        root = self.document.tree.root_node
        self.blank_candidates = set()
        self.skipped = []
        regions: list[tuple[Node, bool]] = []
        if root.type == "orchestra":
            regions.append((root, True))
        elif root.type == "score":
            regions.append((root, False))
        elif root.type == "ERROR":
            self.broken(root)
        else:
            for synthesizer in root.named_children:
                if synthesizer.type == "ERROR":
                    self.broken(synthesizer)
                    continue
                # sections before any <CsoundSynthesizer> (Csound reads them too) stand at the top
                top = synthesizer.type in ("instruments_section", "score_section")
                for section in [synthesizer] if top else synthesizer.named_children:
                    if section.type == "ERROR" or section.is_missing:
                        self.broken(section)
                    elif section.type in ("instruments_section", "score_section"):
                        regions.append((section, section.type == "instruments_section"))
        for region, is_orchestra in regions:
            if is_orchestra:
                self.orchestra_items(region, 0)
            else:
                self.score_items(region, 0)
            self._blank_lines(region)
        untouched = {line for first, last in self.skipped for line in range(first, last + 1)}
        self.blank_candidates -= untouched
        changes = {line: text for line, text in self.lines().items() if line not in untouched}
        return FormatPlan(changes, tuple(self.skipped))

    def _blank_lines(self, region: Node) -> None:
        """Whitespace-only lines inside a region (but not inside a token) may be emptied."""
        first = self.index.point(region.start_byte).row + 1
        last = self.index.point(region.end_byte).row
        for line in range(first, last):
            start = self.index.line_starts[line]
            leaf = region.descendant_for_byte_range(start, start)
            if leaf is not None and leaf.child_count == 0 and leaf.start_byte < start < leaf.end_byte:
                continue
            if leaf is not None and leaf.type in (
                "raw_text",
                "macro_body",
                "multiline_string",
                "comment",
                "string",
            ):
                continue
            self.blank_candidates.add(line)


def _join(row: _Row, widths: list[int]) -> str:
    cells = row.cells or []
    if row.group[0] == "orc":
        outputs, opcode = cells
        prefix = outputs.ljust(widths[0]) + " " if widths[0] else ""
        if row.group[3] and not row.rest[:1].isspace():
            return prefix + opcode.ljust(widths[1]) + " " + row.rest
        return prefix + opcode + row.rest
    parts: list[str] = []
    for i, cell in enumerate(cells[:-1]):
        width = widths[i] if i < len(widths) else len(cell)
        parts.append(cell.ljust(width) + " ")
    parts.append(cells[-1])
    return "".join(parts) + row.rest


@dataclass(frozen=True)
class FormatPlan:
    """The new text of every line that changes, and the items left alone for their syntax errors."""

    changes: dict[int, str]
    #: (first line, last line), 0-based, of each top-level item not formatted because it has an error.
    skipped: tuple[tuple[int, int], ...] = ()

    def why_not(self) -> str | None:
        """What to tell the user when some of the file was left as it is, else None."""
        if not self.skipped:
            return None
        shown = ", ".join(
            f"line {first + 1}" if first == last else f"lines {first + 1}-{last + 1}"
            for first, last in self.skipped[:5]
        )
        more = f" and {len(self.skipped) - 5} more" if len(self.skipped) > 5 else ""
        return (
            f"Formatting left {shown}{more} as they are: they have syntax errors. Fix those to format them."
        )


def format_plan(document: Document, settings: FormattingSettings) -> FormatPlan:
    return _Formatter(document, settings).run()


def formatted_lines(document: Document, settings: FormattingSettings) -> dict[int, str]:
    """Line number → new text for every line that changes (items with syntax errors left alone)."""
    return format_plan(document, settings).changes


def formatted_text(document: Document, settings: FormattingSettings) -> str:
    changes = formatted_lines(document, settings)
    index = document.index
    out: list[bytes] = []
    for line in range(index.line_count):
        start = index.line_starts[line]
        end = index.line_starts[line + 1] if line + 1 < index.line_count else len(document.source)
        raw = document.source[start:end]
        if line in changes:
            terminator = raw[len(index.line_bytes(line)) :]
            out.append(changes[line].encode("utf-8") + terminator)
        else:
            out.append(raw)
    return b"".join(out).decode("utf-8", errors="replace")


def _edits(document: Document, changes: dict[int, str], lines: range | None = None) -> list[types.TextEdit]:
    index = document.index
    result = []
    for line in sorted(changes):
        if lines is not None and line not in lines:
            continue
        start = index.line_starts[line]
        result.append(
            types.TextEdit(
                range=byte_range(document, start, start + len(index.line_bytes(line))), new_text=changes[line]
            )
        )
    return result


def edits_for(document: Document, changes: dict[int, str]) -> list[types.TextEdit]:
    return _edits(document, changes)


def format_document(document: Document, settings: FormattingSettings) -> list[types.TextEdit]:
    return _edits(document, formatted_lines(document, settings))


def format_range(
    document: Document, range_: types.Range, settings: FormattingSettings
) -> list[types.TextEdit]:
    changes = formatted_lines(document, settings)
    if not changes:
        return []
    return _edits(document, changes, range(range_.start.line, range_.end.line + 1))


def format_on_type(
    document: Document, position: types.Position, settings: FormattingSettings
) -> list[types.TextEdit]:
    """After a newline: the finished line formatted (if the tree is sound), the new line indented."""
    edits: list[types.TextEdit] = []
    line = position.line
    if line > 0:
        changes = formatted_lines(document, settings)
        if changes:
            edits += _edits(document, changes, range(line - 1, line))
    if line < document.index.line_count and not document.index.line_bytes(line).strip():
        offset = document.index.offset(position_from_lsp(types.Position(line=line, character=0)))
        depth = _depth_at(document, offset)
        indent = " " * (max(0, settings.indent) * depth)
        current = document.index.line_bytes(line).decode("utf-8", errors="replace")
        if current != indent:
            start = document.index.line_starts[line]
            edits.append(
                types.TextEdit(
                    range=byte_range(document, start, start + len(document.index.line_bytes(line))),
                    new_text=indent,
                )
            )
    return edits


def _depth_at(document: Document, offset: int) -> int:
    node: Node | None = document.tree.root_node.descendant_for_byte_range(offset, offset)
    if node is not None and node.child_count == 0 and node.start_byte < offset < node.end_byte:
        return 0  # inside a token: leave it
    depth = 0
    while node is not None:
        if (node.type in _BLOCK_NODES or node.type == "score_loop") and node.start_byte < offset:
            depth += 1
        node = node.parent
    return depth
