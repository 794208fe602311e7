"""The per-instrument incremental diagnostics must equal the plain whole-document analysis."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csound_lsp.analysis.diagnostics import static_findings
from csound_lsp.analysis.findings import Severity
from csound_lsp.analysis.incremental import IncrementalDiagnostics, analyse_version
from csound_lsp.features.diagnostics import diagnostic_json, static_diagnostics
from csound_lsp.syntax.document import Document, Span
from tests.conftest import ROOT

MANUAL = Path("/usr/share/doc/csound-doc/html/examples")
CORPUS = sorted((ROOT / "corpus").glob("*/*.csd"))


def manual_sample() -> list[Path]:
    if not MANUAL.is_dir():
        return []
    files = sorted(p for p in MANUAL.iterdir() if p.name.endswith((".csd", ".csd.gz")))
    return files[::10]


def read(path: Path) -> str:
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        data = gzip.decompress(data)
    return data.decode("utf-8", errors="replace")


@pytest.mark.parametrize("path", CORPUS[::3] + manual_sample(), ids=lambda p: p.name)
def test_same_findings_as_full_analysis(path: Path) -> None:
    document = Document("file:///x.csd", read(path))
    assert IncrementalDiagnostics().findings(document) == static_findings(document)


EDIT = st.tuples(
    st.floats(0, 1), st.integers(0, 6), st.sampled_from(["k", " ", "\n", "endin\n", "x", "", "instr 9\n"])
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(EDIT, min_size=1, max_size=6))
def test_same_findings_after_each_edit(edits: list[tuple[float, int, str]]) -> None:
    """One cache across a run of edits: reused items must never leave stale findings behind."""
    text = (ROOT / "corpus" / "examples" / "udo-classic-and-arrays.csd").read_text()
    document = Document("file:///x.csd", text)
    cache = IncrementalDiagnostics()
    cache.findings(document)
    for where, length, insert in edits:
        start = int(where * len(document.source))
        end = min(len(document.source), start + length)
        span = Span(document.index.position(start), document.index.position(end))
        document = document.edited([(span, insert)])
        assert cache.findings(document) == static_findings(document)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(EDIT, min_size=1, max_size=6))
def test_converted_diagnostics_kept_per_item_equal_a_fresh_conversion(
    edits: list[tuple[float, int, str]],
) -> None:
    """Each item's diagnostics are converted to LSP's JSON once and moved by lines after that: what a
    version publishes must equal converting every finding of it afresh."""
    text = (ROOT / "corpus" / "examples" / "udo-classic-and-arrays.csd").read_text()
    document = Document("file:///x.csd", text.replace("endin", "  kNeverUsed = 1\nendin"))
    from_items = []
    for where, length, insert in [(0.0, 0, ""), *edits]:
        start = int(where * len(document.source))
        end = min(len(document.source), start + length)
        span = Span(document.index.position(start), document.index.position(end))
        document = document.edited([(span, insert)])
        found = analyse_version(document, report_unused=True)
        from_items.append(sum(id(f) in found.origin for f in found.findings))
        fresh = Document(document.uri, document.text)
        assert static_diagnostics(document, found) == [
            diagnostic_json(fresh, f) for f in static_findings(fresh)
        ]
    assert from_items[0] > 0  # the unedited text's come from the items' entries


#: A global array declared in one place and passed whole in another item (at the top level, in
#: another instrument, or to a UDO that takes an array).
GLOBAL_ARRAYS = """giSteps[] fillarray 1, 2, 3

opcode Total, i, i[]
  iValues[] xin
  xout sumarray(iValues)
endop

instr 1
  gkLevels[] init 4
endin

instr 2
  kTick metro 2
  printarray gkLevels, kTick
  iSum Total giSteps
  print iSum
endin
"""


def test_a_global_array_declared_elsewhere_is_an_array_in_each_item() -> None:
    """Each item's analysis types `gkLevels` and `giSteps` as the arrays declared in other items."""
    document = Document("file:///arrays.orc", GLOBAL_ARRAYS)
    assert static_findings(document) == []
    assert IncrementalDiagnostics().findings(document) == []


def test_a_global_array_that_stops_being_one_is_checked_again() -> None:
    """Turning the declaration into a plain variable changes the other item's verdict at once."""
    cache = IncrementalDiagnostics()
    document = Document("file:///arrays.orc", GLOBAL_ARRAYS)
    cache.findings(document)
    start = document.source.index(b"gkLevels[]")
    span = Span(document.index.position(start), document.index.position(start + len("gkLevels[]")))
    document = document.edited([(span, "gkLevels")])
    found = cache.findings(document)
    assert found == static_findings(document)
    assert [f.code for f in found if f.severity is Severity.ERROR] == ["rate-mismatch"]
