"""Where the cursor stands in half-typed Csound, read from the text of the statement around it.

Completion and signature help run while a statement is being typed, which is exactly when the tree is
least reliable (an unfinished line swallows the next one, `endin` included). So they read the
statement around the cursor from the raw text: its outputs, its opcode, the arguments typed so far and
the active one, or the innermost open function call. Hover works on finished text and uses the tree.
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass, field
from enum import Enum

from csound_lsp.syntax.document import Document, Position
from csound_lsp.syntax.languages import FileKind

#: How many lines above the cursor a continued statement (trailing `,` `\` `(`) may start.
MAX_STATEMENT_LINES = 30
_TOKEN = re.compile(
    r"""
    (?P<string>"(?:\\.|[^"\\])*"?)
  | (?P<macro>\$[A-Za-z_]\w*\.?)
  | (?P<word>0dbfs\b|[A-Za-z_]\w*)
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)
  | (?P<op>\+=|-=|\*=|/=|==|!=|<=|>=|&&|\|\||[-+*/%^=<>!?~&|#@])
  | (?P<punct>[(),\[\]:{}])
    """,
    re.VERBOSE,
)
_WORD_TAIL = re.compile(r"[A-Za-z0-9_]*$")
_INCLUDE = re.compile(r'^\s*#include(?:str)?\s*(["<|])([^"<>|]*)$')
_ASSIGN_OPS = frozenset({"=", "+=", "-=", "*=", "/="})
GOTO_KEYWORDS = frozenset({"goto", "igoto", "kgoto"})
CONDITION_KEYWORDS = frozenset({"if", "elseif", "while", "until"})
_SECTION_TAGS = (
    (b"CsInstruments", "orchestra"),
    (b"CsOrchestra", "orchestra"),
    (b"CsScore", "score"),
    (b"CsOptions", "options"),
)


class Place(Enum):
    """What kind of thing the cursor is about to type."""

    START = "start"  # first word of a statement: opcode, output variable, keyword, header constant
    OPCODE = "opcode"  # after the outputs: `aSig |`
    ARGUMENT = "argument"  # inside an opcode's argument list or a call's parentheses
    EXPRESSION = "expression"  # right of `=`, in a condition, in an array index
    LABEL = "label"  # after `goto`, `kgoto`...
    MACRO = "macro"  # after `$`
    INCLUDE = "include"  # inside an `#include` path
    DIRECTIVE = "directive"  # after `#` at the start of a line
    NONE = "none"  # in a string or comment: nothing to offer


@dataclass(frozen=True, slots=True)
class Token:
    kind: str
    text: str
    start: int
    end: int


@dataclass
class CallSite:
    """An opcode statement or function call the cursor is inside the arguments of."""

    name: str
    is_function: bool
    #: Texts of the arguments typed so far; the last one is the active argument's text up to the cursor.
    args: list[str]
    active: int
    #: Output variable texts (statement outputs, or the target of `x = f(...)`).
    outputs: list[str] = field(default_factory=list)
    #: Rate annotation of `name:a(...)`.
    rate: str | None = None


@dataclass
class CursorContext:
    place: Place
    #: The partial word before the cursor (identifier characters), "" when none.
    word: str
    #: Byte offset where `word` starts in the document.
    word_start: int
    offset: int
    call: CallSite | None = None
    #: Statement outputs typed so far (for START/OPCODE).
    outputs: list[str] = field(default_factory=list)
    #: For EXPRESSION: the assignment target's text, when there is one.
    target: str | None = None
    #: For INCLUDE: the path typed so far.
    path: str = ""
    #: True when the statement so far is only the partial word (the very start of a statement).
    at_statement_start: bool = False


def _code_end(line: str) -> tuple[int, bool]:
    """Where a line's code ends (a `;` or `//` comment outside strings, else the line's end), and
    whether it ends inside a string."""
    in_string = False
    for index, char in enumerate(line):
        if char == '"' and (index == 0 or line[index - 1] != "\\"):
            in_string = not in_string
        elif not in_string and (char == ";" or line.startswith("//", index)):
            return index, False
    return len(line), in_string


def strip_comment(line: str) -> str:
    """The code part of one line: `;` and `//` comments removed (outside strings)."""
    return line[: _code_end(line)[0]]


def _strip_block_comments(text: str) -> str:
    return re.sub(r"/\*.*?(\*/|$)", " ", text, flags=re.DOTALL)


def tokenize(text: str) -> list[Token]:
    return [
        Token(str(m.lastgroup), m.group(), m.start(), m.end())
        for m in _TOKEN.finditer(text)
        if m.lastgroup is not None
    ]


def statement_prefix(document: Document, offset: int) -> str:
    """The statement's text from its start to the cursor, continuation lines joined."""
    index = document.index
    line = index.position(offset).line
    current = document.source[index.line_starts[line] : offset].decode("utf-8", errors="replace")
    parts = [current]
    row = line
    while row > 0 and line - row < MAX_STATEMENT_LINES:
        previous = strip_comment(index.line_bytes(row - 1).decode("utf-8", errors="replace")).rstrip()
        if not previous.endswith((",", "\\", "(")):
            break
        parts.append(previous.removesuffix("\\") + " ")
        row -= 1
    return "".join(reversed(parts))


def in_string_or_comment(prefix_line: str) -> bool:
    """Whether the end of this line prefix is inside a string or a comment."""
    end, in_string = _code_end(prefix_line)
    return end < len(prefix_line) or in_string


def split_arguments(tokens: list[Token], text: str, start: int) -> list[str]:
    """Argument texts separated by top-level commas, from char `start` of `text` to its end."""
    args: list[str] = []
    depth = 0
    begin = start
    for token in tokens:
        if token.start < start:
            continue
        if token.text in ("(", "["):
            depth += 1
        elif token.text in (")", "]"):
            depth -= 1
        elif token.text == "," and depth == 0:
            args.append(text[begin : token.start].strip())
            begin = token.end
    args.append(text[begin:].strip())
    return args


def section_at(document: Document, offset: int) -> str:
    """`orchestra`, `score`, `options` or `other`: which part of the file the offset is in.

    Read from the tags in the text, so it holds while the tree is broken by a half-typed line.
    """
    if document.kind is FileKind.ORC:
        return "orchestra"
    if document.kind is FileKind.SCO:
        return "score"
    before = document.source[:offset]
    best, found = -1, "other"
    for tag, kind in _SECTION_TAGS:
        at = before.rfind(b"<" + tag)
        if at > best:
            best, found = at, kind
            closed = before.find(b"</" + tag, at)
            if closed != -1:
                found = "other"
    return found


def cursor_context(
    document: Document, position: Position, known_opcode: Container[str] = ()
) -> CursorContext:
    """Reads the statement before the cursor (orchestra code). `known_opcode` names opcodes and UDOs
    that may stand first in a statement with no outputs (`out aSig`)."""
    offset = document.index.offset(position)
    line_start = document.index.line_starts[position.line]
    line_text = document.source[line_start:offset].decode("utf-8", errors="replace")
    word = _WORD_TAIL.search(line_text)
    word_text = word.group() if word else ""
    word_start = offset - len(word_text.encode("utf-8"))
    context = CursorContext(Place.NONE, word_text, word_start, offset)
    include = _INCLUDE.match(line_text)
    if include is not None:
        context.place = Place.INCLUDE
        context.path = include.group(2)
        tail = re.search(r"[^/\\]*$", context.path)
        context.word = tail.group() if tail else ""
        context.word_start = offset - len(context.word.encode("utf-8"))
        return context
    if in_string_or_comment(line_text):
        return context
    before_word = line_text[: len(line_text) - len(word_text)]
    if before_word.endswith("$"):
        context.place = Place.MACRO
        return context
    if before_word.strip() == "#":
        context.place = Place.DIRECTIVE
        context.word_start -= 1
        return context
    text = _strip_block_comments(statement_prefix(document, offset))
    body = text[: len(text) - len(word_text)]
    tokens = tokenize(body)
    tokens = _drop_label(tokens)
    return _classify(context, body, tokens, known_opcode)


def _drop_label(tokens: list[Token]) -> list[Token]:
    if (
        len(tokens) >= 2
        and tokens[0].kind == "word"
        and tokens[1].text == ":"
        and not (len(tokens) >= 4 and tokens[2].start == tokens[1].end and tokens[3].text == "(")
    ):
        return tokens[2:]
    return tokens


def _goto_call(tokens: list[Token], at: int) -> CallSite:
    """`kgoto label` is an opcode call with one label argument (for signature help)."""
    label = " ".join(t.text for t in tokens[at + 1 :])
    return CallSite(tokens[at].text, False, [label], 0)


def _classify(context: CursorContext, body: str, tokens: list[Token], known: Container[str]) -> CursorContext:
    if not tokens:
        context.place = Place.START
        context.at_statement_start = True
        return context
    call = _open_call(tokens, body)
    if call is not None:
        context.place = Place.ARGUMENT
        context.call = call
        return context
    if _open_bracket(tokens):
        context.place = Place.EXPRESSION
        return context
    first = tokens[0].text
    if first in GOTO_KEYWORDS:
        context.place = Place.LABEL
        context.call = _goto_call(tokens, 0)
        return context
    if first in CONDITION_KEYWORDS:
        goto_at = next((i for i, t in enumerate(tokens) if t.text in GOTO_KEYWORDS), None)
        context.place = Place.LABEL if goto_at is not None else Place.EXPRESSION
        if goto_at is not None:
            context.call = _goto_call(tokens, goto_at)
        return context
    if first.startswith("#") or tokens[0].kind not in ("word", "macro"):
        return context
    for token in tokens:
        if token.kind == "op" and token.text in _ASSIGN_OPS:
            context.place = Place.EXPRESSION
            context.target = body[: token.start].strip()
            return context
    if tokens[0].kind == "word" and first in known and (len(tokens) == 1 or tokens[1].text != ","):
        return _in_arguments(context, first, [], body, tokens, tokens[0].end)
    outputs, next_index = _read_outputs(tokens, body)
    if next_index >= len(tokens):
        if tokens[-1].text == ",":
            context.place = Place.START
            context.outputs = outputs
            return context
        context.place = Place.OPCODE
        context.outputs = outputs
        return context
    opcode = tokens[next_index]
    if opcode.kind != "word":
        return context
    return _in_arguments(context, opcode.text, outputs, body, tokens, opcode.end)


def _in_arguments(
    context: CursorContext, name: str, outputs: list[str], body: str, tokens: list[Token], after: int
) -> CursorContext:
    args = split_arguments(tokens, body, after)
    context.place = Place.ARGUMENT
    context.call = CallSite(name, False, args, len(args) - 1, outputs)
    return context


def _read_outputs(tokens: list[Token], body: str) -> tuple[list[str], int]:
    """Output texts (`aL, aR`, `kArr[i]`, `x:k`) and the index of the token after them."""
    outputs: list[str] = []
    index = 0
    while index < len(tokens):
        start = tokens[index].start
        index += 1
        depth = 0
        while index < len(tokens):
            token = tokens[index]
            if token.text == "[":
                depth += 1
            elif token.text == "]":
                depth -= 1
            elif depth == 0 and token.text == ":" and index + 1 < len(tokens):
                index += 1  # `name:type`
            elif depth == 0:
                break
            index += 1
        outputs.append(body[start : tokens[index - 1].end].strip())
        if index < len(tokens) and tokens[index].text == ",":
            index += 1
            continue
        break
    return outputs, index


def _open_bracket(tokens: list[Token]) -> bool:
    depth = 0
    for token in tokens:
        if token.text in ("(", "["):
            depth += 1
        elif token.text in (")", "]"):
            depth = max(0, depth - 1)
    return depth > 0


def _open_call(tokens: list[Token], body: str) -> CallSite | None:
    """The innermost unclosed `name(` or `name:rate(` before the cursor."""
    stack: list[int] = []
    for index, token in enumerate(tokens):
        if token.text in ("(", "["):
            stack.append(index)
        elif token.text in (")", "]") and stack:
            stack.pop()
    for open_index in reversed(stack):
        if tokens[open_index].text == "[":
            return None
        name_index = open_index - 1
        rate: str | None = None
        if (
            name_index >= 2
            and tokens[name_index].kind == "word"
            and tokens[name_index - 1].text == ":"
            and tokens[name_index - 2].kind == "word"
        ):
            rate = tokens[name_index].text
            name_index -= 2
        if name_index < 0 or tokens[name_index].kind != "word":
            continue  # a plain parenthesis: look further out
        args = split_arguments(tokens[open_index + 1 :], body, tokens[open_index].end)
        outputs: list[str] = []
        if (
            name_index >= 2
            and tokens[name_index - 1].text in _ASSIGN_OPS
            and not stack.index(open_index)
            and all(t.text != "(" for t in tokens[: name_index - 1])
        ):
            outputs = [body[: tokens[name_index - 1].start].strip()]
        return CallSite(tokens[name_index].text, True, args, len(args) - 1, outputs, rate)
    return None
