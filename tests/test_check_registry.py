"""The one check registry: both analyses run it, a check that raises loses only its own findings, and a
new diagnostic is one function in it (the 0dbfs warning for amplitudes sized for 32768)."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import AsyncIterator

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from csound_lsp.analysis import registry
from csound_lsp.analysis.diagnostics import static_findings
from csound_lsp.analysis.findings import Finding, Severity
from csound_lsp.analysis.incremental import IncrementalDiagnostics
from csound_lsp.syntax.document import Document, Span
from tests.conftest import ROOT, SERVER, client_capabilities, open_document
from tests.test_quick_fixes import csd

LOUD = "instr 1\n  aSig oscil 20000, 440\n  outs aSig, aSig\nendin\n"
QUIET = "instr 1\n  aSig oscil 0.5, 440\n  outs aSig, aSig\nendin\n"
NO_0DBFS = "sr = 44100\nksmps = 32\nnchnls = 2\n"
#: A piece with findings from item checks (unknown opcode, unused variable) and document checks.
MIXED = csd(
    "instr 1\n  aSig oscilli 0.5, 440\n  aLoud oscil 20000, 220\n  kUnused = 1\n  outs aLoud, aLoud\nendin\n",
    score="i 1 0 1\ni 7 0 1\n",
    header=NO_0DBFS,
)


def both(text: str) -> list[Finding]:
    """The whole-document findings, after checking the incremental path says exactly the same."""
    document = Document("file:///tmp/registry.csd", text)
    full = static_findings(document)
    assert IncrementalDiagnostics().findings(document) == full
    return full


def codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings]


def broken(_: object) -> list[Finding]:
    raise RuntimeError("broken on purpose")


# -- a check that raises ---------------------------------------------------------------------------------


@pytest.mark.parametrize("scope", ["item", "document"])
def test_a_raising_check_is_logged_and_skipped(
    scope: registry.CheckScope, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    healthy = both(MIXED)
    assert {"unknown-opcode", "unused-variable", "unknown-instrument", "amplitudes-without-0dbfs"} <= set(
        codes(healthy)
    )
    monkeypatch.setattr(
        registry, "CHECKS", [registry.Check(f"broken-{scope}", scope, broken), *registry.CHECKS]
    )
    monkeypatch.setattr(registry, "_LOGGED", set())
    with caplog.at_level(logging.ERROR, logger="csound_lsp.analysis.registry"):
        assert both(MIXED) == healthy
        assert both(MIXED) == healthy
    failures = [r for r in caplog.records if f"broken-{scope}" in r.getMessage()]
    # Logged once with its traceback, however often it runs (every item, every keystroke).
    assert len(failures) == 1 and failures[0].exc_info is not None


def test_a_check_that_fails_on_one_item_keeps_the_others() -> None:
    """An item check raising on one instrument only: every other check's findings stay in both paths.

    The whole-document run has one call of it, so it loses all of its own findings; the incremental
    run calls it per item and keeps those of the items it does not fail on.
    """

    def picky(given: registry.ItemInput) -> list[Finding]:
        if any(i.label == "2" for i in given.model.instruments):
            raise ValueError("instr 2 upsets this check")
        return [
            Finding(i.node.start_byte, i.node.start_byte + 5, Severity.HINT, "picky", f"seen {i.label}")
            for i in given.model.instruments
        ]

    text = csd(
        "instr 1\n  out oscil(0.1, 440)\n  kUnused = 1\nendin\ninstr 2\n  out oscil(0.1, 220)\nendin\n"
    )
    document = Document("file:///tmp/registry.csd", text)
    healthy = static_findings(document)
    assert "unused-variable" in codes(healthy)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(registry, "CHECKS", [*registry.CHECKS, registry.Check("picky", "item", picky)])
        full = static_findings(document)
        incremental = IncrementalDiagnostics().findings(document)
    assert full == healthy
    assert [f.message for f in incremental if f.code == "picky"] == ["seen 1"]
    assert [f for f in incremental if f.code != "picky"] == healthy


def test_a_new_check_is_one_entry_run_by_both_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    def every_score_line(doc: registry.DocumentInput) -> list[Finding]:
        return [
            Finding(s.node.start_byte, s.node.end_byte, Severity.HINT, "score-line", "a score line")
            for s in doc.model.score
        ]

    monkeypatch.setattr(
        registry, "CHECKS", [*registry.CHECKS, registry.Check("score-lines", "document", every_score_line)]
    )
    assert codes(both(csd(QUIET, score="i 1 0 1\ni 1 1 1\n"))).count("score-line") == 2


async def test_the_server_publishes_every_check(client: LanguageClient) -> None:
    """Baseline for the test below: the same piece through the unmodified server."""
    published = await open_document(client, "file:///tmp/registry-healthy.csd", MIXED)
    assert {"unknown-opcode", "unused-variable", "unknown-instrument", "amplitudes-without-0dbfs"} <= {
        str(d.code) for d in published
    }


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[sys.executable, str(ROOT / "tests" / "broken_check_server.py")],
        server_env=SERVER.server_env,
    )
)
async def broken_client(lsp_client: LanguageClient) -> AsyncIterator[LanguageClient]:
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities(),
            root_uri=ROOT.as_uri(),
            initialization_options={"diagnostics": {"csound": False}},
        )
    )
    yield lsp_client
    await lsp_client.shutdown_session()


async def test_a_raising_check_through_the_real_server(broken_client: LanguageClient) -> None:
    uri = "file:///tmp/registry-broken.csd"
    published = await open_document(broken_client, uri, MIXED)
    assert {"unknown-opcode", "unused-variable", "unknown-instrument", "amplitudes-without-0dbfs"} <= {
        str(d.code) for d in published
    }
    # An edit goes through the incremental path: still everything but the broken checks.
    waiter = broken_client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    broken_client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(
                        start=types.Position(line=12, character=0), end=types.Position(line=12, character=0)
                    ),
                    text="  kAlsoUnused = 2\n",
                )
            ],
        )
    )
    await waiter
    after = {str(d.code) for d in broken_client.diagnostics[uri]}
    assert {"unknown-opcode", "unused-variable", "unknown-instrument"} <= after
    for _ in range(50):  # log messages travel beside the diagnostics; give them a moment
        logged = " ".join(m.message for m in broken_client.log_messages)
        if "broken-item-check" in logged and "broken-document-check" in logged:
            break
        await asyncio.sleep(0.1)
    failures = [m for m in broken_client.log_messages if "broken-item-check" in m.message]
    assert len(failures) == 1 and failures[0].type == types.MessageType.Error
    assert "broken-document-check" in logged


# -- the new check: amplitudes sized for 32768 with no 0dbfs -----------------------------------------------


def test_loud_amplitudes_without_0dbfs_warn_once() -> None:
    found = both(csd(LOUD, header=NO_0DBFS))
    (warning,) = [f for f in found if f.code == "amplitudes-without-0dbfs"]
    assert warning.severity == Severity.WARNING
    assert "up to 20000" in warning.message and "0dbfs = 32768" in warning.message
    # It replaces the information that 0dbfs is unset: one problem, one message.
    assert "missing-header" not in codes(found)


def test_amplitudes_from_score_pfields_count() -> None:
    through = "instr 1\n  iAmp = p4\n  aSig poscil iAmp, 440\n  outs aSig, aSig\nendin\n"
    loud = both(csd(through, score="i 1 0 1 12000\n", header=NO_0DBFS))
    assert [f.message for f in loud if f.code == "amplitudes-without-0dbfs"] == [
        "0dbfs is not set: full scale is 32768, and these amplitudes (up to 12000) are sized for it; "
        "set 0dbfs = 32768 to say so"
    ]
    quiet = both(csd(through, score="i 1 0 1 0.3\n", header=NO_0DBFS))
    assert "amplitudes-without-0dbfs" not in codes(quiet) and "missing-header" in codes(quiet)


def test_silent_with_0dbfs_set() -> None:
    for scale in ("1", "32768"):
        found = both(csd(LOUD, header=NO_0DBFS + f"0dbfs = {scale}\n"))
        assert not {"amplitudes-without-0dbfs", "missing-header"} & set(codes(found)), scale


def test_silent_with_amplitudes_up_to_1() -> None:
    found = both(csd(QUIET, header=NO_0DBFS))
    assert "amplitudes-without-0dbfs" not in codes(found)
    assert [f.severity for f in found if f.code == "missing-header"] == [Severity.INFORMATION]


def test_incremental_follows_the_amplitudes_as_they_are_edited() -> None:
    """One cache across edits that make the piece loud, quiet, then set 0dbfs: always the full answer."""
    document = Document("file:///tmp/edits.csd", csd(QUIET, header=NO_0DBFS))
    cache = IncrementalDiagnostics()
    seen = []
    for old, new in (
        ("0.5", "20000"),
        ("20000", "0.25"),
        ("0.25", "9000"),
        ("nchnls = 2\n", "nchnls = 2\n0dbfs = 1\n"),
    ):
        start = document.source.index(old.encode())
        span = Span(document.index.position(start), document.index.position(start + len(old)))
        document = document.edited([(span, new)])
        found = cache.findings(document)
        assert found == static_findings(document)
        seen.append("amplitudes-without-0dbfs" in codes(found))
    assert seen == [True, False, True, False]


def test_amplitudes_through_globals_and_other_instruments() -> None:
    """A global set in the header, or in another instrument, and read as an amplitude: the incremental
    path merges each instrument's cached facts to the same answer as the whole model."""
    header = NO_0DBFS + "giAmp = 8000\n"
    reads = "instr 1\n  aSig oscil giAmp, 440\n  outs aSig, aSig\nendin\n"
    found = both(csd(reads, header=header))
    (warning,) = [f for f in found if f.code == "amplitudes-without-0dbfs"]
    assert "up to 8000" in warning.message
    sets = "instr 2\n  gkAmp = p4\nendin\n"
    elsewhere = "instr 1\n  aSig oscil gkAmp, 440\n  outs aSig, aSig\nendin\n" + sets
    assert "amplitudes-without-0dbfs" in codes(both(csd(elsewhere, score="i 2 0 1 15000\n", header=NO_0DBFS)))
    assert "amplitudes-without-0dbfs" not in codes(
        both(csd(elsewhere, score="i 2 0 1 0.7\n", header=NO_0DBFS))
    )
