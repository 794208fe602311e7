"""Differential checking of edited documents: after every random edit applied the way the server applies
`didChange` (incremental content changes through `Document.edited`), the answers for the edited
document must equal those for a fresh open of the same text.

Shared by `tests/test_differential_edits.py` (short, seeded) and `bench/differential_fuzz.py` (long).
The edits are adversarial on purpose: spans deleted across lines, Csound pasted from other files, lines
typed one character at a time, stray quotes, comment openers, braces, backslashes, joined lines, lone
carriage returns, and undoing back to an earlier text (a text seen before is where a cache keyed by
bytes answers from memory).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types
from lsprotocol.converters import get_converter

from csound_lsp.analysis.incremental import document_findings
from csound_lsp.features import (
    completion,
    folding,
    formatting,
    hover,
    inlay_hints,
    navigation,
    semantic_tokens,
    signature,
    symbols,
)
from csound_lsp.features.convert import position_from_lsp
from csound_lsp.settings import Settings
from csound_lsp.syntax.document import Document, Span

ROOT = Path(__file__).resolve().parent.parent
_CONVERTER = get_converter()
_SETTINGS = Settings()

#: Characters and short strings a user (or a broken paste) drops anywhere.
STRAYS = (
    '"', '"', ";", "/*", "*/", "{{", "}}", "\\", "(", ")", ",", "$", "#", "[", "]", "\t", " ", "\n", "\n",
    "\r\n", "\r", "endin", "endop", "instr 9", "instr", "opcode", "if", "then", "endif", "\x00", "é",
    "\U0001f3b5", "<CsScore>", "</CsInstruments>", "i 1 0 1", ":", "=", "0dbfs", "gk", "a1",
)  # fmt: skip


def csound_files() -> list[Path]:
    """Every committed Csound piece: the corpus and the tests' fixtures."""
    found: list[Path] = []
    for folder in (ROOT / "corpus", ROOT / "tests" / "fixtures"):
        for suffix in ("*.csd", "*.orc", "*.sco", "*.udo", "*.inc"):
            found.extend(folder.rglob(suffix))
    return sorted(set(found))


def read(path: Path) -> str:
    return path.read_bytes().decode("utf-8", errors="replace")


@dataclass
class Edit:
    """One content change in Python string indices of the current text."""

    start: int
    end: int
    text: str
    what: str


def _boundary(text: str, index: int) -> int:
    """An index that does not split a CRLF pair (LSP positions cannot stand between them)."""
    index = max(0, min(index, len(text)))
    if 0 < index < len(text) and text[index - 1] == "\r" and text[index] == "\n":
        index += 1
    return index


def _line_bounds(text: str, index: int) -> tuple[int, int]:
    start = max(text.rfind("\n", 0, index), text.rfind("\r", 0, index)) + 1
    ends = [e for e in (text.find("\n", index), text.find("\r", index)) if e >= 0]
    return start, min(ends) if ends else len(text)


def random_edits(rng: random.Random, text: str, donors: Sequence[str]) -> Iterator[Edit]:
    """One adversarial action as one or more edits (typing yields an edit per character)."""
    n = len(text)
    at = _boundary(text, rng.randint(0, n))
    roll = rng.random()
    if roll < 0.18:  # delete a span, often across lines
        lines = rng.choice((0, 0, 1, 2, 3, 5))
        end = at
        for _ in range(lines):
            found = text.find("\n", end)
            end = found + 1 if found >= 0 else n
        end = _boundary(text, end + rng.randint(0, 40))
        yield Edit(at, end, "", f"delete {end - at} chars over {lines} line breaks")
    elif roll < 0.32:  # paste lines from another file
        donor = rng.choice(donors).splitlines(keepends=True) or [""]
        first = rng.randrange(len(donor))
        chunk = "".join(donor[first : first + rng.randint(1, 12)])
        yield Edit(at, at, chunk, f"paste {chunk.count(chr(10))} lines")
    elif roll < 0.46:  # type a line from another file, one character at a time
        donor_lines = [line for line in rng.choice(donors).splitlines() if line.strip()] or ["kx = 1"]
        line = rng.choice(donor_lines)[:60] + rng.choice(("\n", "", " ;", "\r\n"))
        where = _boundary(text, _line_bounds(text, at)[rng.choice((0, 1))])
        for offset, char in enumerate(line):
            yield Edit(where + offset, where + offset, char, f"type {char!r}")
    elif roll < 0.64:  # a stray character or word
        stray = rng.choice(STRAYS)
        yield Edit(at, at, stray, f"insert {stray!r}")
    elif roll < 0.72:  # join two lines
        found = text.find("\n", at)
        if found >= 0:
            start = found - 1 if found > 0 and text[found - 1] == "\r" else found
            yield Edit(start, found + 1, rng.choice(("", " ")), "join lines")
    elif roll < 0.78:  # a line break becomes a lone carriage return (or one is added)
        found = text.find("\n", at)
        if found >= 0 and rng.random() < 0.7:
            start = found - 1 if found > 0 and text[found - 1] == "\r" else found
            yield Edit(start, found + 1, "\r", "line break to lone CR")
        else:
            yield Edit(at, at, "\r", "insert lone CR")
    elif roll < 0.86:  # replace a word-sized span
        end = _boundary(text, at + rng.randint(1, 8))
        stray = rng.choice(STRAYS)
        yield Edit(at, end, stray, f"replace with {stray!r}")
    elif roll < 0.93:  # delete one character, backspace style
        if at > 0:
            start = at - 2 if text[at - 2 : at] == "\r\n" else at - 1
            yield Edit(start, at, "", "backspace")
    else:  # delete the line and paste it back elsewhere (moves an item's bytes)
        start, end = _line_bounds(text, at)
        end = min(n, end + (2 if text[end : end + 2] == "\r\n" else 1))
        line = text[start:end]
        yield Edit(start, end, "", "cut line")
        rest = text[:start] + text[end:]
        target = _boundary(rest, rng.randint(0, len(rest)))
        yield Edit(target, target, line, "paste line")


def apply_to(document: Document, edits: list[Edit], text: str, version: int) -> tuple[Document, str]:
    """Sends the edits as one didChange's content changes (each relative to the text before it): the
    next version and its text."""
    changes: list[tuple[Span | None, str]] = []
    current = text
    source = current.encode("utf-8", errors="surrogatepass")
    from csound_lsp.syntax.lines import LineIndex

    for edit in edits:
        index = LineIndex(source, document.encoding)
        first = _boundary(current, edit.start)
        last = max(first, _boundary(current, edit.end))
        start = index.position(len(current[:first].encode("utf-8", errors="surrogatepass")))
        end = index.position(len(current[:last].encode("utf-8", errors="surrogatepass")))
        changes.append((Span(start, end), edit.text))
        current = current[:first] + edit.text + current[last:]
        source = current.encode("utf-8", errors="surrogatepass")
    return document.edited(changes, version), current


def _plain(value: Any) -> Any:
    return _CONVERTER.unstructure(value)


def _tree(document: Document) -> list[tuple[str, int, int, tuple[int, int]]]:
    out = []
    cursor = document.tree.walk()
    while True:
        node = cursor.node
        assert node is not None
        row, column = node.start_point
        out.append((node.type, node.start_byte, node.end_byte, (row, column)))
        if cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return out


def probe_positions(rng: random.Random, document: Document, count: int) -> list[types.Position]:
    """Positions to ask highlights, hover and completion at: random offsets and the first `instr` line."""
    source = document.source
    picks: list[int] = []
    for _ in range(count):
        picks.append(rng.randint(0, len(source)))
    for word in (b"instr", b"opcode"):
        found = source.find(word)
        if found >= 0:
            picks.append(found + len(word) + 1)
    result = []
    for offset in picks:
        position = document.index.position(offset)
        result.append(types.Position(line=position.line, character=position.character))
    return result


#: Feature name -> function of (document, probe positions) giving a comparable value. Ordered so the
#: features that read the per-item caches run before any that may build the whole-document model.
Feature = Callable[[Document, list[types.Position]], Any]


def _whole_range(document: Document) -> types.Range:
    end = document.index.position(len(document.source))
    return types.Range(
        types.Position(line=0, character=0), types.Position(line=end.line, character=end.character)
    )


def _completion_labels(document: Document, position: types.Position) -> list[tuple[str, Any]]:
    found = completion.completion(document, position_from_lsp(position), settings=_SETTINGS)
    return [(item.label, item.kind) for item in found.items]


FEATURES: dict[str, Feature] = {
    "tree": lambda d, p: (str(d.tree.root_node), _tree(d)),
    "diagnostics": lambda d, p: [
        (f.start_byte, f.end_byte, f.code, f.message, f.severity.value) for f in document_findings(d)
    ],
    "symbols": lambda d, p: _plain(symbols.document_symbols(d)),
    "folding": lambda d, p: _plain(folding.folding_ranges(d)),
    "semantic_tokens": lambda d, p: semantic_tokens.full(d),
    "highlights": lambda d, p: [_plain(navigation.highlights(d, q)) for q in p],
    "hover": lambda d, p: [_plain(hover.hover(d, position_from_lsp(q), _SETTINGS)) for q in p],
    "definition": lambda d, p: [_plain(navigation.definition(d, q, [d])) for q in p],
    "references": lambda d, p: [_plain(navigation.references(d, q, [d])) for q in p],
    "signature": lambda d, p: [_plain(signature.signature_help(d, position_from_lsp(q))) for q in p],
    "completion": lambda d, p: [_completion_labels(d, q) for q in p],
    "inlay_hints": lambda d, p: _plain(
        inlay_hints.inlay_hints(d, _whole_range(d), _SETTINGS.inlay_hints, [d])
    ),
    "formatting": lambda d, p: _plain(formatting.format_document(d, _SETTINGS.formatting)),
}


def token_problems(document: Document, data: list[int]) -> list[str]:
    """Tokens that run past their line's end (in client units) or stand on no line at all."""
    problems = []
    index = document.index
    line = start = 0
    for at in range(0, len(data), 5):
        line += data[at]
        start = data[at + 1] if data[at] else start + data[at + 1]
        length = data[at + 2]
        if line >= index.line_count:
            problems.append(f"token on line {line} of {index.line_count}")
            continue
        width = index.position(index.line_starts[line] + len(index.line_bytes(line))).character
        if start + length > width:
            problems.append(f"token at {line}:{start}+{length} past the end of a {width}-unit line")
    return problems


@dataclass
class Divergence:
    path: str
    edit_number: int
    feature: str
    what: str
    text: str


@dataclass
class Report:
    edits: int = 0
    files: int = 0
    divergences: list[Divergence] = field(default_factory=list)
    by_feature: dict[str, int] = field(default_factory=dict)
    #: Features that raised on a fresh open (a bug of their own, not drift; compared like answers).
    raised: list[Divergence] = field(default_factory=list)


@dataclass(frozen=True)
class Raised:
    """What a feature raised, compared as its answer."""

    message: str


def _run(name: str, document: Document, positions: list[types.Position]) -> Any:
    try:
        return FEATURES[name](document, positions)
    except Exception as error:  # a feature's own bug: recorded, and compared with the fresh open's
        return Raised(f"{type(error).__name__}: {error}")


def fuzz_file(
    path: Path,
    text: str,
    donors: Sequence[str],
    rng: random.Random,
    edits: int,
    report: Report,
    *,
    features: Sequence[str] = tuple(FEATURES),
    probes: int = 2,
    stop_at_first: bool = True,
) -> None:
    """Applies `edits` random edits to an open document, comparing every feature with a fresh open after
    each; a divergence is recorded (and the file abandoned when `stop_at_first`)."""
    uri = "file:///fuzz/" + path.name
    document = Document(uri, text, 1)
    history = [text]
    version = 1
    done = 0
    report.files += 1
    while done < edits:
        if len(history) > 2 and rng.random() < 0.06:
            # undo back to an earlier text, as one whole-middle change (what an editor's undo sends)
            old = rng.choice(history[:-1])
            actions: list[list[Edit]] = [[_undo_edit(text, old)]]
        else:
            batch = list(random_edits(rng, text, donors))
            if not batch:
                continue
            # a didChange usually carries one change; sometimes an editor batches a typed burst
            actions = [batch] if rng.random() < 0.15 else [[e] for e in batch]
        for action in actions:
            version += 1
            document, text = apply_to(document, action, text, version)
            done += 1
            report.edits += 1
            history.append(text)
            del history[:-20]
            if text != document.text:
                report.divergences.append(Divergence(str(path), done, "text", "document text differs", text))
                return
            if compare(document, text, rng, report, str(path), done, features, probes) and stop_at_first:
                return
            if done >= edits:
                return


def _undo_edit(current: str, old: str) -> Edit:
    prefix = 0
    limit = min(len(current), len(old))
    while prefix < limit and current[prefix] == old[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and current[-1 - suffix] == old[-1 - suffix]:
        suffix += 1
    # never split a CRLF in either text
    while prefix > 0 and (current[prefix - 1 : prefix] == "\r" or old[prefix - 1 : prefix] == "\r"):
        prefix -= 1
    while suffix > 0 and (current[len(current) - suffix] == "\n" or old[len(old) - suffix] == "\n"):
        suffix -= 1
    return Edit(prefix, len(current) - suffix, old[prefix : len(old) - suffix], "undo")


def compare(
    document: Document,
    text: str,
    rng: random.Random,
    report: Report,
    path: str,
    number: int,
    features: Sequence[str] = tuple(FEATURES),
    probes: int = 2,
) -> bool:
    """Whether any feature of the edited document differs from a fresh open of `text`."""
    fresh = Document(document.uri, text, document.version)
    positions = probe_positions(rng, fresh, probes)
    diverged = False
    for name in features:
        got = _run(name, document, positions)
        want = _run(name, fresh, positions)
        if isinstance(want, Raised):
            report.raised.append(Divergence(path, number, name, want.message, text))
        if got != want:
            diverged = True
            report.by_feature[name] = report.by_feature.get(name, 0) + 1
            report.divergences.append(Divergence(path, number, name, _first_difference(got, want), text))
        if name == "semantic_tokens":
            problems = token_problems(fresh, want)
            if problems:
                diverged = True
                report.by_feature["tokens past line end"] = (
                    report.by_feature.get("tokens past line end", 0) + 1
                )
                report.divergences.append(Divergence(path, number, "tokens past line end", problems[0], text))
    return diverged


def _first_difference(got: Any, want: Any) -> str:
    if isinstance(got, list) and isinstance(want, list):
        for index, (a, b) in enumerate(zip(got, want, strict=False)):
            if a != b:
                return f"item {index}: edited {str(a)[:300]} / fresh {str(b)[:300]}"
        return f"lengths {len(got)} / {len(want)}"
    return f"edited {str(got)[:300]} / fresh {str(want)[:300]}"
