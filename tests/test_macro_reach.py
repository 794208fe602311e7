"""A macro used in an instrument or UDO silences the variable checks there only for the names its
expansion could bring in (`analysis.macro_reach`): Csound's own `$M_PI`, or a macro whose body holds
a number, leaves "used before assigned" and "never assigned" standing; a macro whose body or
arguments name the variable, or one we cannot read, still silences them.

Each verdict is Csound 6.18's own first (our texts, compiled by the real Csound), then ours, through
the whole-document path and the editor's incremental one.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from csound_lsp.analysis.diagnostics import static_findings
from csound_lsp.analysis.findings import Severity
from csound_lsp.analysis.incremental import document_findings
from csound_lsp.analysis.macro_reach import document_reach, item_reach, results_before, use_arguments
from csound_lsp.syntax.document import Document
from csound_lsp.syntax.focus import full_model
from tests.differential import Edit, apply_to
from tests.engines import csound_accepts

needs_csound = pytest.mark.skipif(shutil.which("csound") is None, reason="needs Csound 6")

HEADER = "sr = 48000\nksmps = 32\nnchnls = 1\n0dbfs = 1\n"
DEFINES = (
    "#define SETUP #iSize init 8#\n#define LEVEL #0.5#\n#define PUT(v) #$v init 1#\n"
    "#define TWICE(x) #($x * 2)#\n#define NESTED #$SETUP#\n#define OSC(a) #oscili $a, 440#\n"
)
CALL = "instr 1\n  aOut Bank 0.5\n  out aOut\nendin\n"

#: name -> (UDO body between `opcode Bank, a, k` and `endop`, the code we must report or None).
CASES = {
    "builtin-macro-leaves-the-check": (
        "  kPhase[] init iSize\n  kAmp xin\n  xout a(kAmp * $M_PI)\n",
        "undefined-variable",
    ),
    "number-macro-leaves-used-before-assigned": (
        "  kLevel = kAmp * $LEVEL\n  kAmp xin\n  xout a(kLevel)\n",
        "used-before-defined",
    ),
    "macro-with-an-expression-body-leaves-the-check": (
        "  kLevel = kAmp * $TWICE(2)\n  kAmp xin\n  xout a(kLevel)\n",
        "used-before-defined",
    ),
    "macro-defining-the-name-silences": (
        "  $SETUP\n  kPhase[] init iSize\n  kAmp xin\n  xout a(kAmp + kPhase[0])\n",
        None,
    ),
    "nested-macro-defining-the-name-silences": (
        "  $NESTED\n  kPhase[] init iSize\n  kAmp xin\n  xout a(kAmp + kPhase[0])\n",
        None,
    ),
    "macro-as-opcode-defines-its-results": (
        "  kAmp xin\n  aSig $OSC(kAmp)\n  xout aSig\n",
        None,
    ),
    "macro-argument-naming-the-variable-silences": (
        "  $PUT(kStep)\n  kSum = kStep\n  kAmp xin\n  xout a(kSum + kAmp)\n",
        None,
    ),
}


def piece(body: str) -> str:
    orchestra = f"{HEADER}{DEFINES}opcode Bank, a, k\n{body}endop\n{CALL}"
    return (
        "<CsoundSynthesizer>\n<CsOptions>\n-d -m0\n</CsOptions>\n<CsInstruments>\n"
        f"{orchestra}</CsInstruments>\n<CsScore>\ni 1 0 0.1\n</CsScore>\n</CsoundSynthesizer>\n"
    )


def error_codes(document: Document) -> set[str]:
    return {f.code for f in static_findings(document) if f.severity == Severity.ERROR}


def incremental_codes(document: Document) -> set[str]:
    return {f.code for f in document_findings(document) if f.severity == Severity.ERROR}


@needs_csound
@pytest.mark.parametrize("name", sorted(CASES))
def test_macro_silences_only_what_it_could_bring_in(name: str, tmp_path: Path) -> None:
    body, wanted = CASES[name]
    text = piece(body)
    path = tmp_path / f"{name}.csd"
    path.write_text(text)
    assert csound_accepts(path) == (wanted is None), f"Csound's verdict on {name} is not the expected one"
    document = Document(path.as_uri(), text)
    for codes in (error_codes(document), incremental_codes(document)):
        if wanted is None:
            assert codes == set()
        else:
            assert wanted in codes


def test_an_unknown_macro_still_silences() -> None:
    """`$FROM_INCLUDE` is defined nowhere we read: it may define anything."""
    text = piece("  kSum = kStep * $FROM_INCLUDE\n  kAmp xin\n  xout a(kSum + kAmp)\n")
    codes = error_codes(Document("file:///unknown.csd", text))
    assert "undefined-variable" not in codes and "used-before-defined" not in codes
    assert "undefined-macro" in codes


def test_a_redefined_or_glued_macro_is_unknowable() -> None:
    text = "#define A #0.5#\n#define G(n) #k$n init 0#\n#define DOT(n) #$n.x#\n#define B #1#\n"
    model = full_model(Document("file:///m.orc", text))
    reach = document_reach(model)
    assert reach["G"] is None and reach["DOT"] is None  # glued: builds names no word search sees
    assert reach["A"] == frozenset() and reach["B"] == frozenset()
    # the item's own macros are unknowable; the document's table is taken as it is
    assert item_reach(model, {"B": frozenset({"kx"}), "C": frozenset({"ky"})}) == {
        **dict.fromkeys(("A", "G", "DOT", "B"), None),
        "C": frozenset({"ky"}),
    }
    redefined = full_model(Document("file:///r.orc", text + "#define A #kx init 1#\n"))
    assert redefined.redefined_macros == {"A"}
    assert all(r is None for r in document_reach(redefined).values())


def test_use_arguments_are_read_from_the_text() -> None:
    source = b"$PUT(kStep' 1)\nkx = $PLAIN\nky = $DOT.(iX)\n"
    model = full_model(Document("file:///m.orc", source.decode()))
    found = {use.name: use_arguments(source, use) for use in model.macro_uses}
    assert found == {"PUT": "kStep' 1", "PLAIN": "", "DOT": "iX"}


def test_the_words_before_a_use_are_results_only_where_it_can_be_the_opcode() -> None:
    source = b"aL, aR $PAIR\nkx = kAmp * $LEVEL\nloop: a1 $OSC(1)\ninstr 1\nkx, ky $FILL\nendin\n"
    model = full_model(Document("file:///m.orc", source.decode()))
    found = {use.name: results_before(source, use, 0) for use in model.macro_uses}
    assert found == {"PAIR": ["aL", "aR"], "LEVEL": [], "OSC": ["loop", "a1"], "FILL": ["kx", "ky"]}
    fill = next(use for use in model.macro_uses if use.name == "FILL")
    assert results_before(source, fill, source.index(b"ky")) == ["ky"]  # not before its scope's start


def test_editing_a_top_level_macro_body_reaches_the_cached_udo() -> None:
    """The incremental path caches each UDO's findings: a change to a `#define` above it must reach
    them, in both directions."""
    text = piece(CASES["macro-defining-the-name-silences"][0])
    document = Document("file:///edit.csd", text, 1)
    assert incremental_codes(document) == set()
    start = text.index("iSize init 8")
    document, changed = apply_to(document, [Edit(start, start + len("iSize"), "iOther", "rename")], text, 2)
    assert "undefined-variable" in incremental_codes(document)
    assert incremental_codes(document) == error_codes(Document("file:///edit.csd", changed))
    start = changed.index("iOther init 8")
    document, back = apply_to(document, [Edit(start, start + len("iOther"), "iSize", "back")], changed, 3)
    assert back == text
    assert incremental_codes(document) == set()


def test_a_define_inside_an_instrument_body_makes_the_top_level_ones_unknowable() -> None:
    """The editor's skeleton does not read instrument bodies: a `#define` there may redefine LEVEL."""
    body = "  kLevel = kAmp * $LEVEL\n  kAmp xin\n  xout a(kLevel)\n"
    inner = "instr 1\n#define LEVEL #kAmp init 0#\n  aOut Bank 0.5\n  out aOut\nendin\n"
    text = piece(body).replace(CALL, inner)
    document = Document("file:///inner.csd", text, 1)
    assert "used-before-defined" not in incremental_codes(document)


#: Documents where the two paths could part: a `#define` the editor's skeleton does not read (in a
#: body, in a comment), a macro defined in one item and used in another, a use in an item beside an
#: undefined variable of the global statements.
AGREE = {
    "define-in-a-body-used-in-another": piece(
        "  kLevel = kAmp * $INNER\n  kAmp xin\n  xout a(kLevel)\n"
    ).replace(CALL, "instr 1\n#define INNER #0.25#\n  aOut Bank 0.5\n  out aOut\nendin\n"),
    "define-in-a-comment": piece("  kLevel = kAmp * $LEVEL\n  kAmp xin\n  xout a(kLevel)\n").replace(
        DEFINES, DEFINES + "; #define LEVEL #kAmp init 0# (kept for later)\n"
    ),
    "global-statement-beside-an-item-macro": piece("  kAmp xin\n  $SETUP\n  xout a(kAmp * iSize)\n").replace(
        DEFINES, DEFINES + "giTable = iSize\n"
    ),
    "unclosed-arguments": piece("  $PUT(kStep\n  kAmp xin\n  xout a(kAmp)\n"),
}


@pytest.mark.parametrize("name", sorted(AGREE))
def test_the_editor_path_equals_the_whole_document_path(name: str) -> None:
    text = AGREE[name]
    document = Document(f"file:///{name}.csd", text, 1)
    assert document_findings(document) == static_findings(Document(f"file:///{name}.csd", text))


@pytest.mark.parametrize("name", ["define-in-a-body-used-in-another", "define-in-a-comment"])
def test_a_define_the_skeleton_does_not_read_silences_both_paths(name: str) -> None:
    """The editor reads item bodies only when they change, and a `#define` in a comment is counted as
    one we did not read: every macro is unknowable then, and neither path reports through them."""
    text = AGREE[name]
    assert "used-before-defined" not in error_codes(Document("file:///c.csd", text))
    assert "used-before-defined" not in incremental_codes(Document("file:///c.csd", text))


def test_adding_a_define_in_a_body_reaches_the_cached_items() -> None:
    """A `#define` typed into instr 1 makes every macro unknowable: Bank's cached analysis, which
    reported through `$LEVEL`, must be redone, and taken back when the line goes."""
    text = piece("  kLevel = kAmp * $LEVEL\n  kAmp xin\n  xout a(kLevel)\n")
    document = Document("file:///add.csd", text, 1)
    assert "used-before-defined" in incremental_codes(document)
    at = text.index("  aOut Bank")
    line = "#define OTHER #1#\n"
    document, changed = apply_to(document, [Edit(at, at, line, "add")], text, 2)
    assert incremental_codes(document) == error_codes(Document("file:///add.csd", changed))
    assert "used-before-defined" not in incremental_codes(document)
    document, back = apply_to(document, [Edit(at, at + len(line), "", "remove")], changed, 3)
    assert back == text
    assert "used-before-defined" in incremental_codes(document)
