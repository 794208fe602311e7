"""Document-wide occurrences from per-item caches must be the full model's, edit after edit."""

from __future__ import annotations

import random
from collections import defaultdict

import pytest

from csound_lsp.features import name_index, targets
from csound_lsp.features.name_index import NameKind
from csound_lsp.syntax.document import Document
from csound_lsp.syntax.focus import full_model, has_full_model
from tests.test_incremental_features import CORPUS, TRICKY, corpus_text, fixture_document, random_edit

Groups = dict[tuple[NameKind, str], list[tuple[int, int, bool]]]


def full_model_groups(document: Document) -> Groups:
    fresh = Document(document.uri, document.text)
    groups: Groups = defaultdict(list)
    for kind, key, start, end, is_def in name_index.model_occurrences(full_model(fresh)):
        groups[kind, key].append((start, end, is_def))
    return {group: sorted(set(spans)) for group, spans in groups.items()}


def cached_groups(document: Document) -> Groups:
    assert not has_full_model(document)
    return {group: spans for group, spans in name_index._groups(document).items() if spans}


@pytest.mark.parametrize("name", ["tricky", *[p.name for p in CORPUS[::5]]])
def test_cached_occurrences_equal_the_full_models_after_edits(name: str) -> None:
    document, rng = fixture_document(name)
    for _ in range(12):
        assert cached_groups(document) == full_model_groups(document)
        document = random_edit(document, rng)
    assert cached_groups(document) == full_model_groups(document)


def test_every_kind_occurs_in_the_fixture() -> None:
    """So the comparison above covers each kind (and can fail for each)."""
    text = TRICKY.replace("endin\ninstr 2", 'chnset 1, "level"\nkLvl chnget "level"\nendin\ninstr 2')
    groups = cached_groups(Document("file:///x.orc", text))
    assert groups[NameKind.CHANNEL, "level"][0][2]  # chnset writes the channel
    kinds = {kind for kind, _ in groups}
    assert kinds == set(NameKind)
    assert groups[NameKind.INSTRUMENT, "#1"] == sorted(groups[NameKind.INSTRUMENT, "#1"])
    # the first of two same-named UDOs is the definition, as in the full model
    assert sum(is_def for _, _, is_def in groups[NameKind.CALL, "Twice"]) == 1


@pytest.mark.parametrize("name", ["tricky", *[p.name for p in CORPUS[2::9]]])
def test_highlights_without_the_full_model_equal_those_with_it(name: str) -> None:
    """Targets and occurrences at every word: the focused path answers as the full model does."""
    document, rng = fixture_document(name)
    for _ in range(4):
        document = random_edit(document, rng)
    fresh = Document(document.uri, document.text)
    full_model(fresh)
    source = document.source
    offsets = [
        i for i in range(1, len(source)) if source[i - 1 : i] in b" \t\n,(=" and source[i : i + 1].isalnum()
    ]
    for offset in rng.sample(offsets, min(80, len(offsets))):
        found = targets.target_at(document, offset)
        assert found == targets.target_at(fresh, offset)
        if found is None:
            continue
        mine = [(o.start_byte, o.end_byte, o.is_definition) for o in targets.occurrences(found, [document])]
        theirs = [(o.start_byte, o.end_byte, o.is_definition) for o in targets.occurrences(found, [fresh])]
        assert mine == theirs
    assert not has_full_model(document)


@pytest.mark.parametrize("name", ["tricky", "tricky-define-in-body", *[p.name for p in CORPUS[3::8]]])
def test_outline_and_hints_without_the_full_model_equal_those_with_it(name: str) -> None:
    from lsprotocol import types

    from csound_lsp.features.inlay_hints import inlay_hints
    from csound_lsp.features.symbols import document_symbols
    from csound_lsp.settings import InlayHintSettings

    if name.startswith("tricky"):
        text = (
            TRICKY
            if name == "tricky"
            else TRICKY.replace("  kX = gkEarly", "#define INNER #2#\n  kX = gkEarly")
        )
    else:
        text = corpus_text(next(p for p in CORPUS if p.name == name))
    document = Document("file:///x.csd", text)
    rng = random.Random(name)
    settings = InlayHintSettings(score_pfields=True, opcode_arguments=True)
    for _ in range(6):
        document = random_edit(document, rng)
        fresh = Document(document.uri, document.text)
        full_model(fresh)
        assert document_symbols(document) == document_symbols(fresh)
        lines = document.index.line_count
        first = rng.randrange(lines)
        viewport = types.Range(
            start=types.Position(line=first, character=0),
            end=types.Position(line=min(lines, first + 40), character=0),
        )
        assert inlay_hints(document, viewport, settings, [document]) == inlay_hints(
            fresh, viewport, settings, [fresh]
        )
    if name == "tricky-define-in-body":  # the fallback to the full model really happens
        assert any(s.name == "$INNER" for s in document_symbols(Document("file:///x.orc", text)))


def test_includes_come_from_the_skeleton_or_the_full_model() -> None:
    from csound_lsp.syntax.focus import includes_of

    top = '#include "a.udo"\ninstr 1\n  out 0\nendin\n'
    inside = 'instr 1\n#include "body.inc"\n  out 0\nendin\n#include "b.udo"\n'
    spaced = 'instr 1\n# include "body.inc"\n  out 0\nendin\n#include "b.udo"\n'
    for text in (top, inside, spaced, "instr 1\nendin\n", '; #include "x"\n'):
        document = Document("file:///x.orc", text)
        fresh = Document("file:///x.orc", text)
        assert [i.target for i in includes_of(document)] == [i.target for i in full_model(fresh).includes]
    document = Document("file:///x.orc", top)
    assert [i.target for i in includes_of(document)] == ["a.udo"]
    assert not has_full_model(document)  # the skeleton was enough
