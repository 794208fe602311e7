"""The document model's incremental parsing: every edit must give the tree a fresh parse gives."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csound_lsp.syntax.document import Document, Encoding, Position, Span
from csound_lsp.syntax.languages import FileKind, kind_for

CSD = """<CsoundSynthesizer>
<CsOptions>
-d -m0
</CsOptions>
<CsInstruments>
sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1

; a plucked tone — «café»
instr 1
  iFreq = p4
  aSig pluck 0.5, iFreq, iFreq, 0, 1
  outs aSig, aSig
endin
</CsInstruments>
<CsScore>
i 1 0 1 220
</CsScore>
</CsoundSynthesizer>
"""


def sexp(document: Document) -> str:
    return str(document.tree.root_node)


def fresh(document: Document) -> Document:
    return Document(document.uri, document.text, kind=document.kind, encoding=document.encoding)


def test_kind_from_suffix_and_language_id() -> None:
    assert kind_for("file:///a/piece.csd") is FileKind.CSD
    assert kind_for("file:///a/lib.udo") is FileKind.ORC
    assert kind_for("file:///a/notes.sco") is FileKind.SCO
    assert kind_for("untitled:1", "csound-sco") is FileKind.SCO
    assert kind_for("untitled:1", "csound") is FileKind.CSD


def test_each_kind_parses_its_own_root() -> None:
    assert Document("file:///x.csd", CSD).tree.root_node.type == "csd_document"
    assert Document("file:///x.orc", "instr 1\nendin\n").tree.root_node.type == "orchestra"
    assert Document("file:///x.sco", "i 1 0 1\ne\n").tree.root_node.type == "score"


def test_clean_document_has_no_errors() -> None:
    assert not Document("file:///x.csd", CSD).tree.root_node.has_error


def test_incremental_edit_in_non_ascii_line() -> None:
    document = Document("file:///x.csd", CSD, encoding=Encoding.UTF16)
    line = CSD.splitlines().index("; a plucked tone — «café»")
    column = len("; a plucked tone — «café»")  # all BMP characters: one UTF-16 unit each
    document = document.edited([(Span(Position(line, column), Position(line, column)), " ☕ 𝄞")], version=2)
    assert "café» ☕ 𝄞\n" in document.text
    assert sexp(document) == sexp(fresh(document))
    assert document.version == 2


def test_full_replacement_and_sequence_of_changes() -> None:
    document = Document("file:///x.orc", "instr 1\nendin\n")
    document = document.edited(
        [
            (None, "instr 2\n  a1 oscili 1, 440\nendin\n"),
            (Span(Position(1, 2), Position(1, 4)), "aTone"),
            (Span(Position(2, 5), Position(2, 5)), "\ninstr 3\nendin"),
        ]
    )
    assert document.text == "instr 2\n  aTone oscili 1, 440\nendin\ninstr 3\nendin\n"
    assert sexp(document) == sexp(fresh(document))


EDIT = st.tuples(
    st.floats(min_value=0, max_value=1),
    st.integers(min_value=0, max_value=12),
    st.text(alphabet='aikS \n;,=()[]"{}#$+-*/0123456789.endinstr\té€𝄞', max_size=12),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(EDIT, min_size=1, max_size=8), st.sampled_from(list(Encoding)))
def test_random_edits_match_fresh_parse(edits: list[tuple[float, int, str]], encoding: Encoding) -> None:
    document = Document("file:///x.csd", CSD, encoding=encoding)
    for where, length, text in edits:
        source = document.source
        start = int(where * len(source))
        # Edits start and end on character boundaries, as a client's would.
        while 0 < start < len(source) and (source[start] & 0xC0) == 0x80:
            start -= 1
        end = min(len(source), start + length)
        while end < len(source) and (source[end] & 0xC0) == 0x80:
            end += 1
        span = Span(document.index.position(start), document.index.position(end))
        document = document.edited([(span, text)])
        assert sexp(document) == sexp(fresh(document))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(EDIT, min_size=2, max_size=8), st.sampled_from(list(Encoding)), st.integers(0, 7))
def test_a_burst_of_versions_parsed_once_matches_fresh_parses(
    edits: list[tuple[float, int, str]], encoding: Encoding, asked: int
) -> None:
    """A version's tree is made when first asked for, from the nearest parsed version with every edit
    since: a burst of keystrokes whose versions nobody parsed is reparsed once, and a skipped version
    asked for later still gets its own tree."""
    document = Document("file:///x.csd", CSD, encoding=encoding)
    versions = [document]
    for where, length, text in edits:
        source = document.source
        start = int(where * len(source))
        while 0 < start < len(source) and (source[start] & 0xC0) == 0x80:
            start -= 1
        end = min(len(source), start + length)
        while end < len(source) and (source[end] & 0xC0) == 0x80:
            end += 1
        document = document.edited(
            [(Span(document.index.position(start), document.index.position(end)), text)]
        )
        versions.append(document)
    assert not any(version.parsed for version in versions[1:])
    assert sexp(document) == sexp(fresh(document))  # made from the first version and all the edits
    skipped = versions[1 + asked % (len(versions) - 2)] if len(versions) > 2 else versions[-1]
    assert sexp(skipped) == sexp(fresh(skipped))


def test_edits_after_lone_surrogates_stay_inside_the_text() -> None:
    """A lone surrogate (a client's broken paste) is kept as three bytes; a position after it on its
    line must map inside the line, so the next edit lands where the client meant (it once ran past the
    text and the didChange failed, leaving the server a version behind for good)."""
    document = Document("file:///x.orc", "", 1)
    document = document.edited([(Span(Position(0, 0), Position(0, 0)), "\udcf8u\udcf96 &\udccf0")], 2)
    assert document.index.offset(Position(0, 6)) == len("\udcf8u\udcf96 &".encode("utf-8", "surrogatepass"))
    assert document.index.offset(Position(0, 99)) == len(document.source)
    document = document.edited([(Span(Position(0, 6), Position(0, 6)), "aX = 1\n")], 3)
    assert document.text.count("aX = 1\n") == 1
    assert document.index.position(len(document.source)) == Position(1, 2)  # the surrogate, then "0"
    assert document.text == fresh(document).text
