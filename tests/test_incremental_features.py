"""Per-item caches of semantic tokens and of the hover skeleton must give what a fresh computation gives."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from csound_lsp.features import semantic_tokens
from csound_lsp.features.hover import hover
from csound_lsp.syntax import focus
from csound_lsp.syntax.document import Document, Position, Span
from csound_lsp.syntax.focus import full_model
from csound_lsp.syntax.model import DocumentModel
from csound_lsp.syntax.model_builder import ModelBuilder
from tests.conftest import ROOT

CORPUS = sorted((ROOT / "corpus").glob("*/*.csd"))

#: What the items' tokens read from the rest of the file: globals made elsewhere (with a declared
#: type, as arrays), names without a rate letter made global above, a UDO shadowing one of Csound's
#: opcodes, repeated UDO and macro definitions, an item the parser only half understood.
TRICKY = """sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1
#define GAIN #0.5#
foo init 3
gkLate init 1
opcode oscili, a, kk
  kAmp, kFreq xin
  aOut poscil kAmp, kFreq
  xout aOut
endop
opcode Twice, a, a
  aIn xin
  xout aIn * 2
endop
opcode Twice, a, a
  aIn xin
  xout aIn
endop
instr 1
  gkEarly:a init 0
  gkArr[] init 4
  bar[] init 2
  foo = foo + 1
  #define GAIN #0.7#
  aSig = oscili(0.1, 440)
  aOut Twice aSig
  kDone = gkLate + gkArr[0]
loop:
  kgoto loop
  outs aOut * $GAIN, aOut
endin
instr 2
  kX = gkEarly + foo + bar
  aY = vco2(0.2, 220)
  event_i "i", 1, 0, 1
  schedule "Named", 0, 1
endin
instr Named
  iBad = ((1 +
endin
gkEarly init 2
bar init 1
i 1 0 1
"""


def corpus_text(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def fixture_document(name: str) -> tuple[Document, random.Random]:
    """The TRICKY text or a corpus piece as an open .csd document, and a random source seeded by name."""
    text = TRICKY if name == "tricky" else corpus_text(next(p for p in CORPUS if p.name == name))
    return Document("file:///x.csd", text), random.Random(name)


def random_edit(document: Document, rng: random.Random) -> Document:
    """One keystroke-sized edit anywhere: a character, a line, part of a definition, or a deletion."""
    lines = document.source.decode("utf-8", errors="replace").split("\n")
    row = rng.randrange(len(lines))
    width = len(lines[row].encode("utf-16-le")) // 2
    column = rng.randint(0, width)
    end = min(width, column + rng.randint(0, 3))
    text = rng.choice(
        [" ", "k", "g", "\n", "x", "(", ";", '"', "$", "[]", "foo", "instr 9\n", "endin\n", "#define A #1#\n",
         "opcode Foo, a, a\n", "gkArr", "Twice", "bar[] init 1\n"]
    )  # fmt: skip
    return document.edited(
        [(Span(Position(row, column), Position(row, end)), text if rng.random() < 0.7 else "")]
    )


def fresh_tokens(document: Document) -> list[int]:
    return semantic_tokens.encode(semantic_tokens.reference_tokens(Document(document.uri, document.text)))


@pytest.mark.parametrize("name", ["tricky", *[p.name for p in CORPUS[::4]]])
def test_cached_semantic_tokens_equal_a_fresh_walk_after_edits(name: str) -> None:
    document, rng = fixture_document(name)
    for _ in range(12):
        assert semantic_tokens.full(document) == fresh_tokens(document)
        document = random_edit(document, rng)
    assert semantic_tokens.full(document) == fresh_tokens(document)
    assert semantic_tokens.tokens(document) == semantic_tokens.reference_tokens(document)


def test_tricky_file_reads_the_rest_of_the_file() -> None:
    """The cases the symbols exist for really occur in the fixture (so the test above can fail)."""
    document = Document("file:///x.orc", TRICKY)
    found = semantic_tokens.decode(semantic_tokens.full(document))
    lines = TRICKY.split("\n")

    def token(line_text: str, word: str, occurrence: int = 0) -> tuple[int, int]:
        row = lines.index(line_text)
        column = -1
        for _ in range(occurrence + 1):
            column = lines[row].index(word, column + 1)
        hit = next(t for t in found if t[0] == row and t[1] == column)
        return hit[3], hit[4]

    modifiers = {name: 1 << i for i, name in enumerate(semantic_tokens.TOKEN_MODIFIERS)}
    assert token("  kX = gkEarly + foo + bar", "gkEarly")[1] & modifiers["aRate"]  # declared in instr 1
    assert token("  kDone = gkLate + gkArr[0]", "gkArr")[1] & modifiers["array"]
    assert not token("  aSig = oscili(0.1, 440)", "oscili")[1] & modifiers["defaultLibrary"]  # the UDO
    assert token("  aY = vco2(0.2, 220)", "vco2")[1] & modifiers["defaultLibrary"]
    assert semantic_tokens.full(document) == fresh_tokens(document)


def test_lone_carriage_returns_fall_back_to_a_full_walk() -> None:
    document = Document("file:///x.orc", TRICKY.replace("\n", "\r", 5))
    assert semantic_tokens.full(document) == fresh_tokens(document)


def test_range_request_matches_a_range_walk() -> None:
    from lsprotocol import types

    document = Document("file:///x.orc", TRICKY)
    viewport = types.Range(
        start=types.Position(line=20, character=0), end=types.Position(line=34, character=0)
    )
    start = document.index.offset(Position(20, 0))
    end = document.index.offset(Position(34, 0))
    walked = [t for t in semantic_tokens.tokens(document, start, end) if (20, 0) <= (t[0], t[1]) < (34, 0)]
    assert semantic_tokens.in_range(document, viewport) == semantic_tokens.encode(walked)


def _shape(model: DocumentModel) -> object:
    """Everything of a skeleton model a feature can read, with nodes as byte ranges."""

    def scope_shape(scope: object) -> object:
        from csound_lsp.syntax.model import Scope

        assert isinstance(scope, Scope)
        return (
            scope.kind,
            scope.name,
            scope.start_byte,
            scope.end_byte,
            (scope.node.start_byte, scope.node.end_byte) if scope.node is not None else None,
            sorted((n, v.rate, v.is_array, v.definitions, v.uses) for n, v in scope.variables.items()),
            sorted((n, lab.definition, lab.uses) for n, lab in scope.labels.items()),
            [(c.name, c.ref) for c in scope.calls],
        )

    return (
        [scope_shape(s) for s in [model.global_scope, *model.scopes]],
        [
            (i.names, i.node.start_byte, i.node.end_byte, scope_shape(i.scope), i.doc)
            for i in model.instruments
        ],
        [(n, u.ref, u.output_types, u.input_types, u.doc, u.parameters) for n, u in model.udos.items()],
        model.header,
        [(n, m.ref, m.body) for n, m in model.macros.items()],
        model.macro_uses,
        model.macro_tests,
        model.instrument_refs,
        [(s.letter, s.instrument) for s in model.score],
        [(s.tag, s.start_byte, s.end_byte) for s in model.sections],
    )


@pytest.mark.parametrize("name", ["tricky", *[p.name for p in CORPUS[1::6]]])
def test_cached_skeleton_equals_a_fresh_one_after_edits(name: str) -> None:
    document, rng = fixture_document(name)
    for _ in range(10):
        document = random_edit(document, rng)
        cached = focus.skeleton_model(document)
        plain = ModelBuilder(document.source, document.tree.root_node, skip_bodies=True).build()
        assert _shape(cached) == _shape(plain)
        fresh = Document(document.uri, document.text)
        lines = document.text.split("\n")
        for row in rng.sample(range(len(lines)), min(6, len(lines))):
            position = Position(row, rng.randint(0, len(lines[row])))
            assert hover(document, position) == hover(fresh, position)


@pytest.mark.parametrize("name", ["tricky", *[p.name for p in CORPUS[2::7]]])
def test_light_model_has_the_full_models_names_where_the_cursor_is(name: str) -> None:
    """Completion's light model: the cursor's own scope and the global names as the full model has them
    (a .csd once had its instrument visited twice there, the empty copy first, so nothing was offered)."""
    document, rng = fixture_document(name)
    for _ in range(3):
        document = random_edit(document, rng)
    full = full_model(Document(document.uri, document.text))
    source = document.source
    for offset in rng.sample(range(len(source)), min(40, len(source))):
        light = focus.light_model(document, offset)
        mine, theirs = light.scope_at(offset), full.scope_at(offset)
        assert (mine.kind, mine.start_byte) == (theirs.kind, theirs.start_byte)
        if mine is light.global_scope:  # other instruments' uses of globals are left out by design
            assert set(mine.variables) <= set(theirs.variables)
        else:
            assert {n: v.refs for n, v in mine.variables.items()} == {
                n: v.refs for n, v in theirs.variables.items()
            }
        assert list(light.header) == list(full.header)
        assert set(light.udos) == set(full.udos)
