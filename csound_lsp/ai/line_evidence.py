"""Evidence for the rest of a line: how this document, and retrieved examples, already call the opcode
being typed, adapted to the names in scope.

Mid-line, once the opcode is typed (`aSig oscili |`), the strongest evidence of what follows is how
the same piece calls that opcode elsewhere: pieces repeat their own idioms (`aL, aR pan2 aSig, kPan`,
`outs aL, aR`, the same table numbers). These candidates cost no model time; the engine offers them
when the model's own line would add an error, or when the model has nothing, each checked the same way.
Pure string functions over the document text and the catalog.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from csound_lsp.catalog import Catalog, default_catalog
from csound_lsp.syntax.focus import skeleton_model

if TYPE_CHECKING:
    from csound_lsp.syntax.document import Document

    from .inline_context import Cursor

_IDENT = re.compile(r"[A-Za-z_]\w*")
_STRING = re.compile(r'"[^"\n]*"')
#: A local variable: a rate letter, then a name (`kEnv`, `aSig`, `iFreq`, `Sname`, `fSig`).
_LOCAL = re.compile(r"\b([ikaSfwb])([A-Za-z_]\w*|\d\w*)\b")
_KEYWORDS = frozenset(
    ("if", "then", "else", "elseif", "endif", "while", "until", "do", "od", "goto", "igoto", "kgoto",
     "instr", "endin", "opcode", "endop", "return", "xin", "xout")
)  # fmt: skip
#: Candidates offered at most, per source.
MAX_CANDIDATES = 6


@dataclass(frozen=True)
class LineHead:
    """A statement's start as typed: `aL, aR pan2 aSig,` -> outputs, opcode, arguments so far."""

    outputs: tuple[str, ...]
    opcode: str
    typed: str


def _code(line: str) -> str:
    """The line without its comment (strings kept)."""
    out: list[str] = []
    quoted = False
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif not quoted and (char == ";" or line.startswith("//", index)):
            break
        out.append(char)
    return "".join(out)


def parse_head(text: str, catalog: Catalog | None = None, *, names: Iterable[str] = ()) -> LineHead | None:
    """The opcode statement `text` starts: outputs, the opcode (from the catalog or `names`, the
    document's UDOs), and what follows it. None for assignments, control flow and labels."""
    catalog = catalog or default_catalog()
    code = _code(text)
    stripped = code.lstrip()
    if not stripped or re.match(r"^\w+:\s*$", stripped) or "=" in stripped.split('"', 1)[0].split(",")[0]:
        return None
    known = set(names)
    for match in _IDENT.finditer(code):
        word = match.group(0)
        if word in _KEYWORDS:
            return None
        bare = word.split(":", 1)[0]
        if catalog.get(bare) is None and bare not in known:
            continue
        before = code[: match.start()]
        outputs = tuple(name.strip() for name in before.split(",") if name.strip())
        if any(not _IDENT.fullmatch(name) for name in outputs):
            return None
        end = match.end()
        if code[end : end + 1] == ":":  # a type annotation, `oscili:a`
            annotation = re.match(r":\w+", code[end:])
            end += annotation.end() if annotation else 0
        return LineHead(outputs, code[match.start() : end], code[end:])
    return None


def _rates(names: Iterable[str]) -> tuple[str, ...]:
    return tuple(name.lstrip("g")[:1] for name in names)


def defined_names(text: str) -> set[str]:
    """Names given a value in `text`: outputs of statements and assignment targets."""
    found: set[str] = set()
    for line in text.splitlines():
        code = _code(line).strip()
        assignment = re.match(r"^([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s*=[^=]", code)
        if assignment:
            found.update(name.strip() for name in assignment.group(1).split(","))
            continue
        head = parse_head(code)
        if head is not None:
            found.update(head.outputs)
    return found


def _adapt(args: str, in_scope: set[str], catalog: Catalog) -> tuple[str, int] | None:
    """`args` with each local variable not in scope replaced by the in-scope name of the same rate
    that it most resembles, and how many were replaced; None when one has no such name."""
    replaced: dict[str, str] = {}
    code = _STRING.sub('""', args)
    for match in _LOCAL.finditer(code):
        name = match.group(0)
        if name in in_scope or name in replaced or catalog.get(name) is not None:
            continue
        if code[match.end() : match.end() + 1] == "(":  # a function call
            continue
        same_rate = [other for other in in_scope if other[:1] == name[:1]]
        if not same_rate:
            return None
        replaced[name] = max(same_rate, key=lambda other: difflib.SequenceMatcher(None, name, other).ratio())
    if not replaced:
        return args, 0
    return re.sub(r"\b\w+\b", lambda m: replaced.get(m.group(0), m.group(0)), args), len(replaced)


@dataclass(frozen=True)
class Evidence:
    """A candidate rest of the line and where it came from."""

    text: str
    source: str  # "document" or "example"


def line_candidates(
    head: LineHead,
    document_lines: list[str],
    cursor_line: int,
    scope: tuple[int, int] | None,
    *,
    examples: Iterable[str] = (),
    names: Iterable[str] = (),
) -> list[Evidence]:
    """Rests of the cursor's line seen in calls of the same opcode with the same output rates: the
    same instrument's lines first, then the nearest elsewhere in the document, then the examples'.
    Names local to another instrument are adapted to the ones defined above the cursor."""
    low, high = scope if scope is not None else (max(0, cursor_line - 80), cursor_line)
    in_scope = defined_names("\n".join(document_lines[low:cursor_line])) | {
        name for name in defined_names("\n".join(document_lines)) if name.startswith("g")
    }
    known = [*names, head.opcode.split(":", 1)[0]]
    typed = " ".join(head.typed.split())
    rates = _rates(head.outputs)

    def rest_of(line: str) -> str | None:
        other = parse_head(line, names=known)
        if other is None or other.opcode.split(":", 1)[0] != head.opcode.split(":", 1)[0]:
            return None
        if len(other.outputs) != len(head.outputs) or _rates(other.outputs) != rates:
            return None
        args = " ".join(other.typed.split())
        if not args.startswith(typed):
            return None
        rest = args[len(typed) :]
        return rest if rest.strip() else None

    def order(number: int) -> tuple[int, int]:
        inside = low <= number < high
        return (0 if inside else 1, abs(number - cursor_line))

    catalog = default_catalog()
    found: list[tuple[int, Evidence]] = []
    seen: set[str] = set()
    numbers = sorted((n for n in range(len(document_lines)) if n != cursor_line), key=order)
    for source, lines in (
        ("document", (document_lines[n] for n in numbers)),
        ("example", (line for example in examples for line in example.splitlines())),
    ):
        count = 0
        for line in lines:
            if head.opcode.split(":", 1)[0] not in line:
                continue
            rest = rest_of(line)
            if rest is None:
                continue
            adapted = _adapt(rest, in_scope, catalog)
            if adapted is None or adapted[0].strip() in seen:
                continue
            seen.add(adapted[0].strip())
            found.append((adapted[1], Evidence(_joined(head.typed, adapted[0]), source)))
            count += 1
            if count >= MAX_CANDIDATES:
                break
    # the document's before the examples', each as written before adapted (a stable sort)
    ranked = sorted(found, key=lambda item: (item[1].source != "document", min(item[0], 1)))
    return [evidence for _, evidence in ranked]


def _joined(typed: str, rest: str) -> str:
    """`rest` spaced to follow what was typed: a space after the opcode or a comma when none was."""
    rest = rest.strip()
    if not typed.strip():
        return rest if typed.endswith((" ", "\t")) else f" {rest}"
    if typed.endswith((" ", "\t")):
        return rest
    return f" {rest}" if typed.rstrip().endswith(",") else rest


def head_at(document: Document, cursor: Cursor) -> LineHead | None:
    """The opcode statement the cursor's line starts, when the cursor ends that line's code in the
    orchestra; None elsewhere."""
    if cursor.section != "orchestra" or cursor.rest_of_line.strip():
        return None
    before = cursor.line_text[: len(cursor.line_text) - len(cursor.rest_of_line)]
    return parse_head(before, names=list(skeleton_model(document).udos))


def evidence_at(
    document: Document, cursor: Cursor, head: LineHead, examples: Iterable[str] = ()
) -> list[Evidence]:
    """Candidates for the rest of the cursor's line from the document's (and `examples`') calls of
    the opcode `head` starts."""
    text = document.text
    line = text.count("\n", 0, cursor.char_offset)
    scope = None
    if cursor.unit is not None:
        scope = (text.count("\n", 0, cursor.unit[0]), text.count("\n", 0, cursor.unit[1]) + 1)
    udos = list(skeleton_model(document).udos)
    return line_candidates(head, text.split("\n"), line, scope, examples=examples, names=udos)
