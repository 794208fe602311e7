"""Csound 7's language through the real grammar, the model and the static checks.

The pieces in tests/data/csound7/ are our own Csound 7 code (Csound 7.0 accepts each, Csound 6.18
rejects each: `test_csound7_engines.py` checks that with the real engines). Here: they parse with no
error node, get no error from us when Csound 7 compiles them, get exactly one `csound7-syntax` error
per instrument, UDO or stretch of global code when Csound 6 does, and the Csound 6 habits Csound 7
rejects get one `csound6-only` error each, only when Csound 7 compiles.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from csound_lsp.analysis.diagnostics import static_findings
from csound_lsp.analysis.dialect import document_dialect
from csound_lsp.analysis.findings import Finding, Severity
from csound_lsp.analysis.incremental import IncrementalDiagnostics
from csound_lsp.catalog import versions
from csound_lsp.features.symbols import document_symbols
from csound_lsp.syntax.document import Document
from csound_lsp.syntax.focus import full_model
from csound_lsp.syntax.languages import FileKind

DATA = Path(__file__).parent / "data" / "csound7"
PIECES = sorted(DATA.glob("*.csd"))

#: Csound 6 habits Csound 7 rejects (each checked against both real engines in test_csound7_engines).
CSOUND6_ONLY = {
    "comma after the opcode": (
        "instr 1\n  icount = 0\ntop:\n  icount += 1\n  loop_lt, icount, 1, 4, top\nendin\n"
    ),
    "outputs over two lines": (
        "opcode Pair, kk, kk\n  k1,\n  k2 xin\n  xout k1, k2\nendop\ninstr 1\n  ka, kb Pair 1, 2\nendin\n"
    ),
    "ternary glued to its colon": (
        "instr 1\n  iup = 1\n  idn = 2\n  ix = (1 > 0?idn:iup)\n  print ix\nendin\n"
    ),
    "jump to a keyword label": 'instr 1\n  timout 0, 1, default\n  prints "x"\ndefault:\nendin\n',
}
#: Where each of those stands (line, 0-based).
CSOUND6_ONLY_LINE = {
    "comma after the opcode": 4,
    "outputs over two lines": 1,
    "ternary glued to its colon": 3,
    "jump to a keyword label": 1,
}


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == Severity.ERROR]


def error_tree_nodes(document: Document) -> list[str]:
    found: list[str] = []
    stack = [document.tree.root_node]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            found.append(f"{node.type} at {node.start_point}")
        elif node.has_error:
            stack.extend(node.children)
    return found


@pytest.fixture
def engine7() -> Iterator[None]:
    """The server's csound.engine set to 7 (what `set_engine` records), restored afterwards."""
    versions.set_engine("7")
    try:
        yield
    finally:
        versions.set_engine(None)


@pytest.mark.parametrize("path", PIECES, ids=lambda p: p.name)
def test_csound7_pieces_parse_without_error_nodes(path: Path) -> None:
    document = Document(path.as_uri(), path.read_text())
    assert error_tree_nodes(document) == []


@pytest.mark.parametrize("path", PIECES, ids=lambda p: p.name)
def test_csound7_pieces_get_no_error_when_csound7_compiles(path: Path) -> None:
    document = Document(path.as_uri(), path.read_text())
    found = static_findings(document, engine=7)
    assert errors(found) == [], [f.message for f in errors(found)]
    assert document_dialect(full_model(document), 6) == 7  # their syntax says Csound 7 whatever the engine


@pytest.mark.parametrize("path", PIECES, ids=lambda p: p.name)
def test_csound7_pieces_get_one_error_per_item_when_csound6_compiles(path: Path) -> None:
    document = Document(path.as_uri(), path.read_text())
    found = errors(static_findings(document, engine=6))
    assert found and {f.code for f in found} == {"csound7-syntax"}
    scopes = [full_model(document).scope_at(f.start_byte).start_byte for f in found]
    assert len(scopes) == len(set(scopes)), "more than one error in one instrument, UDO or global stretch"
    assert "engine that compiles this document is Csound 6" in found[0].message


def test_the_first_csound7_construct_is_named() -> None:
    text = "instr 1\n  pitch:k = 440\n  for v in [1, 2] do\n  od\nendin\n"
    [finding] = errors(static_findings(Document("file:///x.orc", text, kind=FileKind.ORC), engine=6))
    assert text[finding.start_byte : finding.end_byte] == "pitch:k"
    assert "typed name 'pitch:k'" in finding.message and "1 more Csound 7 construct" in finding.message


@pytest.mark.parametrize("name", sorted(CSOUND6_ONLY))
def test_csound6_habits_get_one_error_when_csound7_compiles(name: str) -> None:
    document = Document("file:///x.orc", CSOUND6_ONLY[name], kind=FileKind.ORC)
    assert errors(static_findings(document, engine=6)) == []
    found = errors(static_findings(document, engine=7))
    assert [f.code for f in found] == ["csound6-only"], [f.message for f in found]
    assert document.index.position(found[0].start_byte).line == CSOUND6_ONLY_LINE[name]
    assert document_dialect(full_model(document), 6) == 6 and document_dialect(full_model(document), 7) == 7


def test_an_unclosed_brace_pair_inside_a_multiline_string() -> None:
    """`{{ a {{ b }}` is one string to Csound 6; Csound 7 nests the pairs and never finds its end."""
    text = "instr 1\n  S1 = {{ a {{ b }}\n  prints S1\nendin\n"
    document = Document("file:///x.orc", text, kind=FileKind.ORC)
    assert error_tree_nodes(document) == [] and errors(static_findings(document, engine=6)) == []
    [finding] = errors(static_findings(document, engine=7))
    assert finding.code == "csound6-only" and document.index.position(finding.start_byte).line == 1


def test_opcodes_csound7_lacks_are_errors_only_for_csound7() -> None:
    text = "instr 1\n  iv la_i_vr_create 4\nendin\n"
    document = Document("file:///x.orc", text, kind=FileKind.ORC)
    assert errors(static_findings(document, engine=6)) == []
    [finding] = errors(static_findings(document, engine=7))
    assert finding.code == "not-in-csound7" and "la_i_vr_create" in finding.message


def test_csound7_opcodes_and_signatures_are_known_when_csound7_compiles() -> None:
    text = (
        "instr 1\n  c:Complex = complex(1, 2)\n  ir = real(c)\n  print ir\n"
        '  ii = maxalloc("x", 1, 1)\nendin\ninstr x\nendin\n'
    )
    document = Document("file:///x.orc", text, kind=FileKind.ORC)
    assert errors(static_findings(document, engine=7)) == []
    six = {f.code for f in errors(static_findings(document, engine=6))}
    assert "unknown-opcode" in six  # Csound 6 has no `complex`


def test_udo_xin_receiving_more_than_declared() -> None:
    text = "opcode One, i, i\n  ival, ival2 xin\n  xout ival\nendop\ninstr 1\n  iv One 1\n  print iv\nendin\n"
    found = errors(static_findings(Document("file:///x.orc", text, kind=FileKind.ORC), engine=7))
    assert [f.code for f in found] == ["udo-signature"]
    assert "declares 1 input(s) (i) but xin receives 2" in found[0].message


def test_model_reads_structs_declarations_loops_and_members() -> None:
    model = full_model(Document(PIECES[0].as_uri(), (DATA / "structs.csd").read_text()))
    spot, voice = model.structs["Spot"], model.structs["Voice"]
    assert [(m.name, m.type) for m in spot.members] == [("across", "i"), ("depth", "i")]
    assert [(m.name, m.type) for m in voice.members][-2:] == [("spot", "Spot"), ("steps", "k[]")]
    assert spot.doc == "Where a sound sits."
    declared = model.declarations["Louder"]
    assert declared.syntax == "declared" and declared.input_types == ":Voice;i"
    assert model.udos["Louder"].syntax == "typed"  # the definition wins over the declaration
    paths = {(u.path, u.ref.name) for u in model.member_uses}
    assert {("one.spot", "across"), ("crowd[]", "across"), ("here", "depth")} <= paths
    scope = model.scopes[0]
    assert scope.variables["here"].declared_type == "Spot" and scope.variables["here"].rate is None
    assert "depth" not in scope.variables and "across" not in scope.variables
    control = full_model(Document("file:///c.csd", (DATA / "control.csd").read_text()))
    variables = control.scopes[0].variables
    assert variables["note"].declared_type == "i"  # typed from `notes:i[]`
    assert variables["step"].declared_type == "i" and variables["place"].definitions
    assert "true" not in variables and "false" not in variables


def test_typed_udo_signature_in_catalog_spelling() -> None:
    model = full_model(Document("file:///t.csd", (DATA / "typed_udos.csd").read_text()))
    spread = model.udos["Spread"]
    assert (spread.input_types, spread.output_types) == ("ak", "aa")
    assert [
        (model.udos[n].input_types, model.udos[n].output_types) for n in ("Twice", "Announce", "Nothing")
    ] == [
        ("i", "i"),
        ("S", ""),
        ("", ""),
    ]
    assert model.udos["Total"].input_types == "k[]"


@pytest.mark.parametrize("path", PIECES, ids=lambda p: p.name)
@pytest.mark.parametrize("engine", ["6", "7"])
def test_incremental_analysis_equals_the_whole_document(path: Path, engine: str) -> None:
    versions.set_engine(engine)
    try:
        document = Document(path.as_uri(), path.read_text())
        assert IncrementalDiagnostics().findings(document) == static_findings(document)
    finally:
        versions.set_engine(None)


def test_csound7_catalog_parses_named_types(engine7: None) -> None:
    """Csound 7's `:Complex;` signatures are read, so the merged catalog of an engine-7 server never
    breaks the opcode checks."""
    catalog = versions.catalog_for(versions.current_major())
    fitting = catalog["init"].fitting([":Complex;"], ["c", "c"])
    assert fitting and fitting[0].outputs == ":Complex;"
    for opcode in catalog:
        for overload in opcode.overloads:
            assert overload.in_params is not None and overload.out_params is not None


def test_outline_lists_structs_and_spells_named_types() -> None:
    document = Document("file:///s.csd", (DATA / "structs.csd").read_text())
    [orchestra] = [s for s in document_symbols(document) if s.name == "CsInstruments"]
    found = {s.name: s.detail for s in orchestra.children or []}
    assert found["Spot"] == "across:i, depth:i"
    assert found["Louder"] == "Voice ← Voice i"
