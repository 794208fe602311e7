"""The incremental diagnostics' item cache: what an edit invalidates, and what it must not keep."""

from __future__ import annotations

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from csound_lsp.analysis.diagnostics import static_findings
from csound_lsp.analysis.incremental import IncrementalDiagnostics
from csound_lsp.analysis.item_facts import ANALYSIS, ItemResult
from csound_lsp.catalog.types import TypeStringError
from csound_lsp.syntax.document import Document, Span
from csound_lsp.syntax.items import ItemEntry

ORCHESTRA = """sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1
kShared init 0

opcode Twice, k, k
  kIn xin
  xout kIn * 2
endop

opcode Scale(kValue:k, iBy:i):k
  kOut = kValue * iBy
  xout kOut
endop

instr 1
  kA Twice 1
  kB Scale kA, 2
  out a(kB)
endin

instr 2
  kC = kShared + 1
  out a(kC)
endin

instr 3
  aSig oscili 0.1, 440
  out aSig
endin
"""


def edited(document: Document, old: str, new: str) -> Document:
    start = document.source.index(old.encode())
    span = Span(document.index.position(start), document.index.position(start + len(old.encode())))
    return document.edited([(span, new)])


def entries(document: Document) -> dict[bytes, ItemEntry]:
    """The item entries the version's analysis looked up, by their bytes."""
    return {key[-1]: entry for key, entry in document.items._fresh.items()}


def item_result(document: Document, head: str) -> ItemResult | None:
    """The analysis of the item whose text starts with `head`."""
    found = [
        analysis.result if (analysis := e.get(ANALYSIS)) is not None else None
        for key, e in entries(document).items()
        if key.startswith(head.encode())
    ]
    assert len(found) == 1
    return found[0]


def test_typed_udo_parameters_are_not_reported_unused() -> None:
    document = Document("file:///x.orc", ORCHESTRA)
    findings = IncrementalDiagnostics().findings(document)
    assert findings == static_findings(document)
    assert not [f for f in findings if f.code == "unused-variable"]


def test_udo_signature_change_invalidates_only_its_callers() -> None:
    document = Document("file:///x.orc", ORCHESTRA)
    cache = IncrementalDiagnostics()
    cache.findings(document)
    caller = item_result(document, "instr 1")
    other = item_result(document, "instr 3")
    document = edited(document, "opcode Twice, k, k", "opcode Twice, k, kk")
    findings = cache.findings(document)
    assert findings == static_findings(document)
    assert [f for f in findings if f.code.startswith("udo")] or any("Twice" in f.message for f in findings)
    assert item_result(document, "instr 1") is not caller
    assert item_result(document, "instr 3") is other


def test_global_definition_change_invalidates_its_readers() -> None:
    document = Document("file:///x.orc", ORCHESTRA.replace("kC = kShared + 1", "kC = kLocal + 1"))
    cache = IncrementalDiagnostics()
    assert any(f.code == "undefined-variable" for f in cache.findings(document))
    other = item_result(document, "instr 3")
    document = edited(document, "kShared init 0", "kLocal init 0")
    findings = cache.findings(document)
    assert findings == static_findings(document)
    assert not any(f.code == "undefined-variable" for f in findings)
    assert item_result(document, "instr 3") is other


def test_option_change_invalidates_everything() -> None:
    document = Document("file:///x.orc", ORCHESTRA.replace("out aSig", "out a(0)"))
    cache = IncrementalDiagnostics()
    assert any(f.code == "unused-variable" for f in cache.findings(document))
    assert not any(f.code == "unused-variable" for f in cache.findings(document, report_unused=False))
    assert cache.findings(document) == static_findings(document)


def test_edit_spanning_two_items() -> None:
    document = Document("file:///x.orc", ORCHESTRA)
    cache = IncrementalDiagnostics()
    cache.findings(document)
    start = document.source.index(b"  out a(kB)")
    end = document.source.index(b"  out a(kC)")
    document = document.edited([(Span(document.index.position(start), document.index.position(end)), "")])
    assert cache.findings(document) == static_findings(document)
    assert not any(key.startswith(b"instr 2") for key in entries(document))


def test_items_inside_an_error_node_are_analysed() -> None:
    """A broken end tag leaves the instruments inside an ERROR node; their bodies still count."""
    text = f"<CsoundSynthesizer>\n<CsInstruments>\n{ORCHESTRA}</CsInstruments>\n</CsoundSynthesizer>\n"
    document = Document("file:///x.csd", text.replace("kC = kShared + 1", "kC = kMissing + 1"))
    cache = IncrementalDiagnostics()
    cache.findings(document)
    document = edited(document, "</CsInstruments>", "</CskInstruments>")
    assert "ERROR" in str(document.tree.root_node)
    findings = cache.findings(document)
    assert findings == static_findings(document)
    assert any(f.code == "undefined-variable" and "kMissing" in f.message for f in findings)


EDIT = st.tuples(
    st.floats(0, 1),
    st.integers(0, 12),
    st.sampled_from(
        [
            "k",
            " ",
            "\n",
            "endin\n",
            "endop\n",
            "instr 9\n",
            "opcode Twice, a, a\n",
            "kShared init 1\n",
            "(",
            "x",
        ]
    ),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(EDIT, min_size=1, max_size=6))
def test_same_findings_after_edits_to_udos_and_globals(edits: list[tuple[float, int, str]]) -> None:
    document = Document("file:///x.orc", ORCHESTRA)
    cache = IncrementalDiagnostics()
    cache.findings(document)
    for where, length, insert in edits:
        start = int(where * len(document.source))
        end = min(len(document.source), start + length)
        document = document.edited(
            [(Span(document.index.position(start), document.index.position(end)), insert)]
        )
        try:
            expected = static_findings(document)
        except TypeStringError:
            assume(False)  # a UDO signature with a letter Csound has not got: a known crash elsewhere
        assert cache.findings(document) == expected
