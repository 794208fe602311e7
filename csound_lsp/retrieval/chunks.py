"""Cuts Csound files into retrievable pieces along the grammar's own boundaries.

A chunk is one instrument, one UDO, the orchestra header (globals before the first instrument), a
score block, or a whole small CSD. Cutting at definitions rather than every N lines keeps each chunk
a unit a user would copy, and lets us list the opcodes it really calls (from the parse tree, not from
words in comments). Each chunk is indexed with a short natural-language header (title, description
and tags from the corpus index, the opcodes used) because users ask in words, while code is mostly
names.

When the compiled grammar is unavailable (a source checkout before `pip install`), a line-based
fallback finds the same boundaries with regular expressions, so retrieval never depends on it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from csound_lsp.catalog.descriptions import Description

log = logging.getLogger(__name__)

ChunkKind = Literal["instrument", "udo", "header", "score", "file"]

#: Files with at most this many lines are also indexed whole.
SMALL_FILE_LINES = 120
#: Longer definitions are cut into windows of this many lines (with the same name and header).
MAX_CHUNK_LINES = 150
WINDOW_LINES = 120
#: The embedding model sees at most this many characters of a chunk (header first).
MAX_EMBED_CHARS = 1500

# Words in opcode position that are structure, not opcodes.
_KEYWORDS = frozenset(
    {
        "a",
        "i",
        "k",
        "p",
        "instr",
        "endin",
        "opcode",
        "endop",
        "if",
        "then",
        "else",
        "elseif",
        "endif",
        "while",
        "until",
        "do",
        "od",
        "goto",
        "xin",
        "xout",
    }
)


@dataclass(frozen=True, slots=True)
class FileInfo:
    """What the corpus index knows about a file; empty for files without an entry."""

    title: str = ""
    description: str = ""
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Chunk:
    """One retrievable piece of a file; lines are 1-based and inclusive."""

    path: str
    start_line: int
    end_line: int
    kind: ChunkKind
    text: str
    name: str = ""
    opcodes: tuple[str, ...] = ()
    info: FileInfo = field(default_factory=FileInfo)
    source: str = "corpus"

    def header(self) -> str:
        """The natural-language lines prepended before indexing."""
        # Globals and note lists only set the scene: the file's title, description and tags (and its
        # descriptive name) would make these short chunks outrank the instruments doing the work.
        if self.kind in ("header", "score"):
            what = "Csound score" if self.kind == "score" else "Csound orchestra header and global settings"
            return what + ("\nUses opcodes: " + ", ".join(self.opcodes) if self.opcodes else "")
        lines = []
        if self.info.title:
            lines.append(f"Title: {self.info.title}")
        if self.info.description:
            lines.append(f"Description: {self.info.description}")
        if self.info.tags:
            lines.append("Tags: " + ", ".join(self.info.tags))
        what = {
            "instrument": f"Csound instrument {self.name}".rstrip(),
            "udo": f"Csound user-defined opcode {self.name}".rstrip(),
            "file": "Complete Csound file",
        }[self.kind]
        lines.append(f"{what} from {_short_path(self.path)}")
        if self.opcodes:
            lines.append("Uses opcodes: " + ", ".join(self.opcodes))
            lines.extend(opcode_descriptions(self.opcodes))
        return "\n".join(lines)

    def indexed_text(self) -> str:
        """What the keyword index reads: the header, the words musicians use for what the chunk's
        main opcodes do (not for scene-setting headers and scores), and the code."""
        words = opcode_words(self.opcodes) if self.kind not in ("header", "score") else ""
        return self.header() + (f"\nIn other words: {words}" if words else "") + "\n\n" + self.text

    def embedding_text(self) -> str:
        # Without the vocabulary line: on the dev halves it moved the hybrid ranking by nothing.
        return (self.header() + "\n\n" + self.text)[:MAX_EMBED_CHARS]

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "start_line": self.start_line,
            "end_line": self.end_line,
            "kind": self.kind,
            "text": self.text,
            "name": self.name,
            "opcodes": list(self.opcodes),
            "title": self.info.title,
            "description": self.info.description,
            "tags": list(self.info.tags),
            "source": self.source,
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Chunk:
        return cls(
            path=str(raw["path"]),
            start_line=int(raw["start_line"]),
            end_line=int(raw["end_line"]),
            kind=raw["kind"],
            text=str(raw["text"]),
            name=str(raw.get("name", "")),
            opcodes=tuple(raw.get("opcodes", ())),
            info=FileInfo(
                str(raw.get("title", "")), str(raw.get("description", "")), tuple(raw.get("tags", ()))
            ),
            source=str(raw.get("source", "corpus")),
        )


#: Categories whose descriptions say nothing a user asks for (every chunk has them).
_PLAIN_CATEGORIES = frozenset({"structure", "variables", "control-flow", "printing", "math"})
_SOUND_CATEGORIES = {
    name: rank
    for rank, name in enumerate(
        [
            "physical-models",
            "granular",
            "spectral",
            "synthesis",
            "oscillators",
            "filters",
            "delay-reverb",
            "dynamics-distortion",
            "sound-files",
            "envelopes",
            "midi",
            "random",
        ]
    )
}
#: At most this many opcode descriptions per chunk header, in order of first use.
MAX_DESCRIBED = 8


#: The vocabulary phrases of at most this many of those opcodes go into the keyword index.
MAX_WORDED = 6


def _main_opcodes(opcodes: Sequence[str]) -> list[Description]:
    """The descriptions of the opcodes a request would be about: sound-making and sound-changing
    ones first, none of the plumbing every chunk has."""
    try:
        from csound_lsp.catalog.descriptions import descriptions

        known = descriptions()
    except Exception:  # data missing or damaged: headers without descriptions still work
        log.debug("no opcode descriptions for chunk headers", exc_info=True)
        return []
    found = [known[name] for name in opcodes if name in known]
    found = [d for d in found if d.category not in _PLAIN_CATEGORIES]
    found.sort(key=lambda d: _SOUND_CATEGORIES.get(d.category, len(_SOUND_CATEGORIES)))
    return found


def opcode_descriptions(opcodes: Sequence[str]) -> list[str]:
    """One line per opcode the chunk uses that has a description worth matching, in our words."""
    return [f"{d.opcode}: {d.text}" for d in _main_opcodes(opcodes)[:MAX_DESCRIBED]]


def opcode_words(opcodes: Sequence[str]) -> str:
    """Musicians' phrases for the chunk's main opcodes ("muffle; cut the highs" for a low-pass)."""
    try:
        from csound_lsp.catalog.descriptions import vocabulary

        phrases = vocabulary()
    except Exception:
        log.debug("no opcode vocabulary for chunk headers", exc_info=True)
        return ""
    return "; ".join(p for d in _main_opcodes(opcodes)[:MAX_WORDED] for p in phrases.get(d.opcode, ()))


def _short_path(path: str) -> str:
    parts = path.replace("\\", "/").split("/")
    return "/".join(parts[-2:])


@dataclass(slots=True)
class _Span:
    kind: ChunkKind
    start: int  # 0-based line
    end: int  # 0-based line, inclusive
    name: str = ""
    opcodes: list[str] = field(default_factory=list)


def chunk_file(
    path: str,
    text: str,
    *,
    info: FileInfo | None = None,
    opcodes: Collection[str] = (),
    source: str = "corpus",
    use_grammar: bool = True,
) -> list[Chunk]:
    """Chunks for one file's text; `opcodes` (known names) filters what counts as an opcode."""
    info = info or FileInfo()
    lines = text.splitlines()
    if not lines or not text.strip():
        return []
    spans: list[_Span] | None = None
    if use_grammar:
        spans = _tree_spans(path, text)
    if spans is None:
        spans = _lexical_spans(lines, opcodes)
    _attach_leading_comments(lines, spans)
    known = set(opcodes) | {s.name for s in spans if s.kind == "udo"} if opcodes else set()
    chunks: list[Chunk] = []
    for span in spans:
        used = _filter_opcodes(span.opcodes, known)
        if not used and span.kind != "score":
            used = _lexical_opcodes(lines[span.start : span.end + 1], known)
        chunks.extend(_windows(path, lines, span, tuple(used), info, source))
    if len(lines) <= SMALL_FILE_LINES and path.lower().endswith((".csd", ".csd.gz")):
        used_all = sorted({op for c in chunks for op in c.opcodes})
        whole = _Span("file", 0, len(lines) - 1, _short_path(path))
        chunks.append(_make(path, lines, whole, tuple(used_all), info, source))
    return chunks


def _attach_leading_comments(lines: Sequence[str], spans: list[_Span]) -> None:
    """A comment block right above an instrument or UDO describes it: it belongs to its chunk."""
    taken = {line for span in spans if span.kind != "header" for line in range(span.start, span.end + 1)}
    for span in spans:
        if span.kind not in ("instrument", "udo"):
            continue
        while span.start > 0 and span.start - 1 not in taken and _is_comment(lines[span.start - 1]):
            span.start -= 1
            taken.add(span.start)
    starts = [s.start for s in spans if s.kind in ("instrument", "udo")]
    for span in spans:
        if span.kind == "header" and starts:
            span.end = min(span.end, min(starts) - 1)
            while span.end > span.start and not _is_code(lines[span.end]):
                span.end -= 1
    spans[:] = [s for s in spans if s.end >= s.start]


def _is_comment(line: str) -> bool:
    stripped = line.strip()
    return stripped.startswith((";", "//"))


def _make(
    path: str, lines: Sequence[str], span: _Span, used: tuple[str, ...], info: FileInfo, source: str
) -> Chunk:
    body = "\n".join(lines[span.start : span.end + 1])
    return Chunk(path, span.start + 1, span.end + 1, span.kind, body, span.name, used, info, source)


def _windows(
    path: str, lines: Sequence[str], span: _Span, used: tuple[str, ...], info: FileInfo, source: str
) -> Iterator[Chunk]:
    length = span.end - span.start + 1
    if length <= MAX_CHUNK_LINES:
        yield _make(path, lines, span, used, info, source)
        return
    for start in range(span.start, span.end + 1, WINDOW_LINES):
        window = replace(span, start=start, end=min(span.end, start + WINDOW_LINES - 1))
        window_ops = _lexical_opcodes(lines[window.start : window.end + 1], used) if used else []
        yield _make(path, lines, window, tuple(window_ops) or used, info, source)


def _filter_opcodes(names: Sequence[str], known: Collection[str]) -> list[str]:
    seen: dict[str, None] = {}
    for name in names:
        if name in _KEYWORDS or not name:
            continue
        if known and name not in known:
            continue
        seen.setdefault(name, None)
    return sorted(seen)


# --- with the grammar ---


def _tree_spans(path: str, text: str) -> list[_Span] | None:
    """Spans from our tree-sitter grammar, or None when it cannot be used here."""
    try:
        from csound_lsp.syntax.languages import kind_for, new_parser
    except Exception as error:  # the C extension is not built: fall back quietly
        log.debug("grammar unavailable for chunking: %s", error)
        return None
    try:
        name = path[:-3] if path.endswith(".gz") else path
        tree = new_parser(kind_for(name)).parse(text.encode("utf-8"))
    except Exception as error:
        log.debug("parse failed for %s: %s", path, error)
        return None
    spans: list[_Span] = []
    header_start: int | None = 0
    first_definition: int | None = None
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        kind = node.type
        if kind in ("instrument_definition", "udo_definition"):
            start, end = _node_lines(node)
            first_definition = start if first_definition is None else min(first_definition, start)
            spans.append(
                _Span(
                    "instrument" if kind == "instrument_definition" else "udo",
                    start,
                    end,
                    _definition_name(node),
                    _tree_opcodes(node),
                )
            )
            continue
        if kind == "score_section":
            start, end = _node_lines(node)
            spans.append(_Span("score", start, end))
            continue
        if kind == "instruments_section":
            header_start = _node_lines(node)[0] + 1  # the line after <CsInstruments>
        stack.extend(reversed(node.children))
    if not spans and tree.root_node.has_error and text.count("\n") > 3:
        return None  # nothing recognised in a broken file: the line-based cut does better
    header = _header_span(text, header_start, first_definition)
    if header is not None:
        if tree.root_node.type:
            header.opcodes = _tree_opcodes_in_lines(tree.root_node, header.start, header.end)
        spans.append(header)
    spans.sort(key=lambda s: (s.start, s.end))
    return spans


def _node_lines(node: Any) -> tuple[int, int]:
    start = int(node.start_point[0])
    end_row, end_col = node.end_point
    end = int(end_row) - 1 if end_col == 0 and end_row > start else int(end_row)
    return start, end


def _definition_name(node: Any) -> str:
    names = [n.text.decode("utf-8", "replace").strip() for n in node.children_by_field_name("name") if n.text]
    if names:
        return ", ".join(names) if node.type == "instrument_definition" else names[0]
    first_line = (node.text or b"").decode("utf-8", "replace").split("\n", 1)[0]
    match = re.match(r"\s*(?:instr|opcode)\s+([^,;/\n]+(?:,\s*[^,;/\n]+)*)", first_line)
    if match is None:
        return ""
    words = match.group(1).strip()
    return words.split(",")[0].strip() if first_line.lstrip().startswith("opcode") else words


def _tree_opcodes(node: Any) -> list[str]:
    names: list[str] = []
    stack = [node]
    while stack:
        current = stack.pop()
        target = None
        if current.type == "opcode_statement":
            target = current.child_by_field_name("opcode")
        elif current.type == "call_expression":
            target = current.child_by_field_name("function")
        elif (
            current.type == "opcode_name"
            and current.parent is not None
            and current.parent.type
            not in (
                "udo_definition",
                "opcode_statement",
                "call_expression",
            )
        ):
            target = current
        if target is not None and target.text is not None:
            names.append(target.text.decode("utf-8", "replace").strip())
        stack.extend(current.children)
    return names


def _tree_opcodes_in_lines(root: Any, start: int, end: int) -> list[str]:
    names: list[str] = []
    for child in root.children:
        stack = [child]
        while stack:
            node = stack.pop()
            if node.end_point[0] < start or node.start_point[0] > end:
                continue
            if node.type in ("instrument_definition", "udo_definition", "score_section"):
                continue
            if node.type in ("opcode_statement", "call_expression") and node.start_point[0] >= start:
                names.extend(_tree_opcodes(node))
                continue
            stack.extend(node.children)
    return names


def _header_span(text: str, start: int | None, first_definition: int | None) -> _Span | None:
    lines = text.splitlines()
    if start is None:
        return None
    end = (first_definition - 1) if first_definition is not None else _instruments_end(lines, start)
    while end >= start and not _is_code(lines[end]):
        end -= 1
    while start <= end and not _is_code(lines[start]):
        start += 1
    if end < start or not any(_is_code(line) for line in lines[start : end + 1]):
        return None
    return _Span("header", start, end, "header")


def _instruments_end(lines: Sequence[str], start: int) -> int:
    for index in range(start, len(lines)):
        if "</CsInstruments>" in lines[index]:
            return index - 1
    return len(lines) - 1


_COMMENT = re.compile(r";.*|//.*")


def _is_code(line: str) -> bool:
    stripped = _COMMENT.sub("", line).strip()
    return bool(stripped) and not stripped.startswith(("<", "/*", "*"))


# --- without the grammar ---

_INSTR = re.compile(r"^\s*instr\s+(.*?)\s*$")
_ENDIN = re.compile(r"^\s*endin\b")
_OPCODE = re.compile(r"^\s*opcode\s+([A-Za-z_]\w*)")
_ENDOP = re.compile(r"^\s*endop\b")
_IDENT = re.compile(r"[A-Za-z_]\w*")


def _lexical_spans(lines: Sequence[str], opcodes: Collection[str]) -> list[_Span]:
    spans: list[_Span] = []
    open_span: _Span | None = None
    header_start = 0
    first_definition: int | None = None
    in_score: int | None = None
    in_comment = False
    for index, raw in enumerate(lines):
        line = _COMMENT.sub("", raw)
        if in_comment:
            if "*/" in line:
                in_comment = False
            continue
        if "/*" in line and "*/" not in line:
            in_comment = True
        if "<CsInstruments>" in raw:
            header_start = index + 1
        if "<CsScore" in raw:
            in_score = index
        if "</CsScore>" in raw and in_score is not None:
            spans.append(_Span("score", in_score, index))
            in_score = None
            continue
        if in_score is not None:
            continue
        if open_span is None:
            instr, udo = _INSTR.match(line), _OPCODE.match(line)
            if instr or udo:
                name = instr.group(1) if instr else udo.group(1) if udo else ""
                open_span = _Span("instrument" if instr else "udo", index, index, name)
                first_definition = index if first_definition is None else first_definition
        elif (open_span.kind == "instrument" and _ENDIN.match(line)) or (
            open_span.kind == "udo" and _ENDOP.match(line)
        ):
            open_span.end = index
            spans.append(open_span)
            open_span = None
    if open_span is not None:  # an unterminated definition runs to the end
        open_span.end = len(lines) - 1
        spans.append(open_span)
    header = _header_span("\n".join(lines), header_start, first_definition)
    if header is not None:
        spans.append(header)
    known = set(opcodes) | {s.name for s in spans if s.kind == "udo"}
    for span in spans:
        if span.kind != "score":
            used = _lexical_opcodes(lines[span.start : span.end + 1], known)
            span.opcodes = [name for name in used if not (span.kind == "udo" and name == span.name)]
    spans.sort(key=lambda s: (s.start, s.end))
    return spans


def _lexical_opcodes(lines: Sequence[str], opcodes: Collection[str]) -> list[str]:
    """Known opcode names among the words of code lines (comments removed)."""
    if not opcodes:
        return []
    found: dict[str, None] = {}
    for raw in lines:
        for word in _IDENT.findall(_COMMENT.sub("", raw)):
            if word in opcodes and word not in _KEYWORDS:
                found.setdefault(word, None)
    return sorted(found)
