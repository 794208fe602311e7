"""ANSI colours for Csound in a terminal, from our grammar's `queries/highlights.scm`, and a writer
that streams a model's Markdown answer with its code blocks coloured line by line.

The query file lives in the grammar folder of a source checkout; where it is missing (an installed
wheel), leaves of the tree are coloured by node type instead. `NO_COLOR` and `TERM=dumb` turn colour
off, as does writing to something that is not a terminal.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TextIO

from tree_sitter import Node, Query, QueryCursor

import csound_lsp
from csound_lsp import environment
from csound_lsp.syntax.languages import KEYWORDS, FileKind, language, new_parser

RESET = "\x1b[0m"
_DIM = "\x1b[2m"
_BOLD = "\x1b[1m"

#: Capture name (or its first part) to SGR parameters; the longest matching prefix wins.
_COLOURS: dict[str, str] = {
    "comment": "90",
    "keyword": "35",
    "keyword.directive": "95",
    "function.builtin": "36",
    "function": "34",
    "type": "33",
    "string": "32",
    "string.special": "92",
    "number": "93",
    "constant": "93",
    "constant.macro": "95",
    "variable.builtin": "31",
    "variable.global": "96",
    "label": "33",
    "tag": "1;34",
}
#: Leaf node types coloured when the query file is not available.
_FALLBACK = {
    "comment": "comment",
    "number": "number",
    "string": "string",
    "multiline_string": "string",
    "opcode_name": "function.builtin",
    "statement_kind": "keyword",
}


def colour_wanted(stream: TextIO) -> bool:
    """Colour only for a terminal that wants it."""
    if not environment.colour_allowed():
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _sgr(capture: str) -> str | None:
    parts = capture.split(".")
    for size in range(len(parts), 0, -1):
        code = _COLOURS.get(".".join(parts[:size]))
        if code is not None:
            return code
    return None


def highlights_path() -> Path:
    """The wheel ships the grammar's queries as package data; a checkout reads them from the grammar."""
    package = Path(csound_lsp.__file__).resolve().parent
    bundled = package / "data" / "queries" / "highlights.scm"
    if bundled.is_file():
        return bundled
    return package.parent / "grammars" / "tree-sitter-csound" / "queries" / "highlights.scm"


@cache
def _query(kind: FileKind) -> Query | None:
    path = highlights_path()
    try:
        return Query(language(kind), path.read_text(encoding="utf-8"))
    except (OSError, ValueError, SyntaxError, NameError):
        return None


def kind_for_code(text: str, fence_language: str = "") -> FileKind:
    fence_language = fence_language.lower()
    if fence_language in ("score", "sco"):
        return FileKind.SCO
    if "<csoundsynthesizer" in text[:2000].lower() or fence_language == "csd":
        return FileKind.CSD
    return FileKind.ORC


def _paint(source: bytes, kind: FileKind) -> list[str | None]:
    """An SGR code (or None) for every byte of `source`."""
    colours: list[str | None] = [None] * len(source)
    tree = new_parser(kind).parse(source)
    query = _query(kind)
    if query is not None:
        # Later patterns in the file are more specific and win, as in editors.
        matches = sorted(QueryCursor(query).matches(tree.root_node), key=lambda match: match[0])
        for _, captures in matches:
            for name, nodes in captures.items():
                code = _sgr(name)
                if code is None:
                    continue
                for node in nodes:
                    colours[node.start_byte : node.end_byte] = [code] * (node.end_byte - node.start_byte)
        return colours
    stack: list[Node] = [tree.root_node]
    while stack:
        node = stack.pop()
        leaf = _FALLBACK.get(node.type) or ("keyword" if node.type in KEYWORDS else None)
        if leaf is not None:
            leaf_colour = _sgr(leaf)
            colours[node.start_byte : node.end_byte] = [leaf_colour] * (node.end_byte - node.start_byte)
        elif node.child_count:
            stack.extend(node.children)
    return colours


def highlight(text: str, kind: FileKind | None = None) -> str:
    """`text` with ANSI colour codes; line breaks are kept, and no colour runs across one."""
    source = text.encode("utf-8", errors="surrogatepass")
    colours = _paint(source, kind if kind is not None else kind_for_code(text))
    out: list[str] = []
    current: str | None = None
    start = 0
    for index in range(len(source) + 1):
        code = colours[index] if index < len(source) else None
        newline = index < len(source) and source[index] == 0x0A
        if newline:
            code = None
        if code != current or index == len(source):
            chunk = source[start:index].decode("utf-8", errors="replace")
            out.append(f"\x1b[{current}m{chunk}{RESET}" if current and chunk else chunk)
            current, start = code, index
    return "".join(out)


class AnswerWriter:
    """Streams a Markdown answer: prose as it arrives, code blocks a whole line at a time, coloured.

    Without colour every chunk is written straight through, unchanged.
    """

    def __init__(self, stream: TextIO, *, colour: bool | None = None) -> None:
        self.stream = stream
        self.colour = colour_wanted(stream) if colour is None else colour
        self._line = ""  # the current line, not yet written (colour mode only)
        self._line_written = 0  # how much of `_line` was already written as prose
        self._fence: str | None = None  # the open code block's language, None outside one
        self._block: list[str] = []
        self.text = ""  # everything received

    def __call__(self, chunk: str) -> None:
        self.write(chunk)

    def write(self, chunk: str) -> None:
        self.text += chunk
        if not self.colour:
            self.stream.write(chunk)
            self.stream.flush()
            return
        for piece in chunk.splitlines(keepends=True):
            self._line += piece
            if self._line.endswith("\n"):
                self._end_line(self._line[:-1])
                self._line, self._line_written = "", 0
            else:
                self._partial()
        self.stream.flush()

    def finish(self) -> None:
        """Writes what is still held back and closes a block the model left open."""
        if self.colour and self._line:
            self._end_line(self._line, newline=False)
        self._line, self._line_written = "", 0
        if not self.text.endswith("\n"):
            self.stream.write("\n")
        if self.colour:
            self.stream.write(RESET)
        self._fence, self._block = None, []
        self.stream.flush()

    def _partial(self) -> None:
        """Prose goes out at once, unless the line may still turn out to be a code fence."""
        if self._fence is not None:
            return
        stripped = self._line.lstrip()
        if not stripped or "```".startswith(stripped) or stripped.startswith("```"):
            return
        self.stream.write(self._line[self._line_written :])
        self._line_written = len(self._line)

    def _end_line(self, line: str, *, newline: bool = True) -> None:
        end = "\n" if newline else ""
        stripped = line.strip()
        if self._fence is None and stripped.startswith("```"):
            self._fence = stripped[3:].strip()
            self._block = []
            self.stream.write(f"{_DIM}{line}{RESET}{end}")
        elif self._fence is not None and stripped == "```":
            self._fence = None
            self.stream.write(f"{_DIM}{line}{RESET}{end}")
        elif self._fence is not None:
            self._block.append(line)
            block = "\n".join(self._block)
            coloured = highlight(block, kind_for_code(block, self._fence)).split("\n")[-1]
            self.stream.write(coloured + end)
        else:
            rest = line[self._line_written :]
            if stripped.startswith("#") and self._line_written == 0:
                rest = f"{_BOLD}{rest}{RESET}"
            self.stream.write(rest + end)
