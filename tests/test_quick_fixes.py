"""Quick fixes: each one applied to real text, re-analysed from scratch and compiled by real Csound."""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from csound_lsp.analysis.diagnostics import static_findings
from csound_lsp.analysis.findings import Finding, Severity
from csound_lsp.features.actions import code_actions
from csound_lsp.features.convert import span_from_lsp
from csound_lsp.features.quick_fixes import Fix, apply_edits, fixes_for, quick_fixes
from csound_lsp.settings import Settings
from csound_lsp.syntax.document import Document
from tests.conftest import INITIALIZE_RESULTS, open_document

HEADER = "sr = 44100\nksmps = 32\nnchnls = 2\n0dbfs = 1\n"
NEEDS_CSOUND = pytest.mark.skipif(shutil.which("csound") is None, reason="needs the csound command")


def csd(orchestra: str, score: str = "i 1 0 1\n", header: str = HEADER) -> str:
    return (
        "<CsoundSynthesizer>\n<CsOptions>\n-d -m0\n</CsOptions>\n<CsInstruments>\n"
        + header
        + orchestra
        + "</CsInstruments>\n<CsScore>\n"
        + score
        + "</CsScore>\n</CsoundSynthesizer>\n"
    )


def uri_for(suffix: str) -> str:
    return f"file:///tmp/piece{suffix}"


def target(document: Document, code: str) -> Finding:
    found = [f for f in static_findings(document) if f.code == code]
    assert len(found) == 1, [f"{f.code}: {f.message}" for f in static_findings(document)]
    return found[0]


def fixes(text: str, code: str, suffix: str = ".csd") -> tuple[Document, list[Fix]]:
    document = Document(uri_for(suffix), text)
    return document, fixes_for(document, target(document, code))


def titles(found: list[Fix]) -> list[str]:
    return [fix.title for fix in found]


def errors(findings: list[Finding]) -> Counter[str]:
    return Counter(f.code for f in findings if f.severity is Severity.ERROR)


def compiles(text: str, tmp_path: Path, suffix: str = ".csd") -> bool:
    """Real Csound's verdict (compile only, no audio)."""
    path = tmp_path / f"piece{suffix}"
    path.write_text(text)
    command = ["csound", "--syntax-check-only", "-n", "-m0"]
    command += ["--orc", path.name] if suffix == ".orc" else [path.name]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, timeout=30)
    return result.returncode == 0


def applied(document: Document, fix: Fix, code: str) -> str:
    """The fixed text, checked the way the brief asks: fresh parse, finding gone, no new errors."""
    text = apply_edits(document.source, fix.edits).decode()
    before = static_findings(document)
    after = static_findings(Document(document.uri, text))
    assert sum(f.code == code for f in after) < sum(f.code == code for f in before), fix.title
    grown = {c: n for c, n in errors(after).items() if n > errors(before)[c] and not c.startswith("missing")}
    if not code.startswith("missing-end") and code not in ("missing-endif", "missing-od"):
        assert not grown, (fix.title, grown)
    return text


def fix_titled(found: list[Fix], title: str) -> Fix:
    matches = [fix for fix in found if title in fix.title]
    assert len(matches) == 1, titles(found)
    return matches[0]


# -- rate mismatches ---------------------------------------------------------------------------------

TREMOLO = csd(
    "instr 1\n  aMod oscili 1, 2\n  kTrem oscili 0.1, aMod\n  aSig oscili kTrem, 440\n"
    "  outs aSig, aSig\nendin\n"
)


@NEEDS_CSOUND
def test_audio_where_control_expected_offers_conversions_and_output_rename(tmp_path: Path) -> None:
    document, found = fixes(TREMOLO, "rate-mismatch")
    assert titles(found) == [
        "Convert to k-rate: k(aMod)",
        "Convert to k-rate: downsamp(aMod)",
        "Rename 'kTrem' to 'aTrem' (make the output a-rate)",
    ]
    assert [fix.preferred for fix in found] == [True, False, False]
    assert not compiles(TREMOLO, tmp_path)
    for fix in found:
        assert compiles(applied(document, fix, "rate-mismatch"), tmp_path), fix.title
    renamed = applied(document, found[2], "rate-mismatch")
    assert "aTrem oscili 0.1, aMod" in renamed and "aSig oscili aTrem, 440" in renamed
    assert "kTrem" not in renamed


@NEEDS_CSOUND
def test_control_where_audio_expected_offers_a_interp_upsamp(tmp_path: Path) -> None:
    text = csd(
        "instr 1\n  kCut line 500, p3, 2000\n  aSig moogladder kCut, 1000, 0.5\n  outs aSig, aSig\nendin\n"
    )
    document, found = fixes(text, "rate-mismatch")
    # moogladder only gives audio, so renaming its output cannot help and is not offered.
    assert titles(found) == [
        "Convert to a-rate: a(kCut)",
        "Convert to a-rate: interp(kCut)",
        "Convert to a-rate: upsamp(kCut)",
    ]
    for fix in found:
        assert compiles(applied(document, fix, "rate-mismatch"), tmp_path), fix.title


@NEEDS_CSOUND
def test_control_where_init_value_expected_offers_i(tmp_path: Path) -> None:
    text = csd('instr 1\n  kDur line 1, p3, 2\n  event_i "i", 2, 0, kDur\nendin\ninstr 2\nendin\n')
    document, found = fixes(text, "rate-mismatch")
    assert titles(found) == ["Convert to i-rate: i(kDur)"]
    assert compiles(applied(document, found[0], "rate-mismatch"), tmp_path)


def test_rename_is_not_offered_when_the_new_name_exists() -> None:
    text = csd(
        "instr 1\n  aMod oscili 1, 2\n  kTrem oscili 0.1, aMod\n  aTrem = 0\n"
        "  aSig oscili kTrem + aTrem, 440\n  outs aSig, aSig\nendin\n"
    )
    _, found = fixes(text, "rate-mismatch")
    assert not any("Rename" in title for title in titles(found))
    assert titles(found)[0] == "Convert to k-rate: k(aMod)"


@NEEDS_CSOUND
def test_rename_of_a_global_covers_every_instrument(tmp_path: Path) -> None:
    text = csd(
        "gkLfo init 0\ninstr 1\n  aMod oscili 1, 2\n  gkLfo oscili 0.1, aMod\nendin\n"
        "instr 2\n  aSig oscili gkLfo, 440\n  outs aSig, aSig\nendin\n",
        "i 1 0 1\ni 2 0 1\n",
    )
    document, found = fixes(text, "rate-mismatch")
    fixed = applied(document, fix_titled(found, "Rename 'gkLfo' to 'gaLfo'"), "rate-mismatch")
    assert fixed.count("gaLfo") == 3 and "gkLfo" not in fixed
    assert compiles(fixed, tmp_path)


@NEEDS_CSOUND
def test_fix_inside_one_of_many_instruments_is_checked_against_the_whole_piece(tmp_path: Path) -> None:
    # Other instruments are left out while the fix is checked; a global they define must not turn
    # into a new "never assigned" error that would wrongly reject the fix.
    text = csd(
        "instr 1\n  gaRev rand 0.1\nendin\n"
        "instr 2\n  kCut line 500, p3, 2000\n  aSig moogladder kCut, 1000, 0.5\n"
        "  outs aSig + gaRev, aSig\nendin\n"
        "instr 3\n  aN rand 0.1\n  outs aN, aN\nendin\n",
        "i 1 0 1\ni 2 0 1\ni 3 0 1\n",
    )
    document = Document(uri_for(".csd"), text)
    finding = target(document, "rate-mismatch")
    assert document.text[finding.start_byte : finding.end_byte] == "kCut"
    found = fixes_for(document, finding)
    assert titles(found)[0] == "Convert to a-rate: a(kCut)"
    assert compiles(applied(document, found[0], "rate-mismatch"), tmp_path)


# -- output rates ------------------------------------------------------------------------------------


@NEEDS_CSOUND
def test_output_rate_renames_to_a_rate_the_opcode_gives(tmp_path: Path) -> None:
    text = csd("instr 1\n  iEnv linseg 0, p3, 1\n  aSig oscili iEnv, 440\n  outs aSig, aSig\nendin\n")
    document, found = fixes(text, "output-rate")
    assert titles(found) == [
        "Rename 'iEnv' to 'kEnv' (the opcode gives k-rate)",
        "Rename 'iEnv' to 'aEnv' (the opcode gives a-rate)",
    ]
    assert found[0].preferred
    assert not compiles(text, tmp_path)
    for fix in found:
        fixed = applied(document, fix, "output-rate")
        assert "iEnv" not in fixed
        assert compiles(fixed, tmp_path), fix.title


def test_output_rename_that_breaks_a_later_use_is_not_offered() -> None:
    # kEnv would be fine for linseg, but then `event_i` gets a k-rate value: no rename survives.
    text = csd('instr 1\n  iEnv linseg 0, p3, 1\n  event_i "i", 2, 0, iEnv\nendin\ninstr 2\nendin\n')
    _, found = fixes(text, "output-rate")
    assert found == []


# -- unknown opcodes -----------------------------------------------------------------------------------


@NEEDS_CSOUND
def test_unknown_opcode_offers_the_suggestion_that_fits(tmp_path: Path) -> None:
    text = csd("instr 1\n  aSig oscilli 0.1, 440\n  outs aSig, aSig\nendin\n")
    document, found = fixes(text, "unknown-opcode")
    # 'oscil1i' and 'foscili' are suggested too, but their arguments do not fit this call.
    assert titles(found) == ["Change to 'oscili'"]
    assert found[0].preferred
    assert not compiles(text, tmp_path)
    fixed = applied(document, found[0], "unknown-opcode")
    assert "aSig oscili 0.1, 440" in fixed
    assert compiles(fixed, tmp_path)


def test_unknown_opcode_without_suggestions_has_no_fix() -> None:
    text = csd("instr 1\n  aSig qqqzzz 0.1\n  outs aSig, aSig\nendin\n")
    assert fixes(text, "unknown-opcode")[1] == []


# -- missing block ends ----------------------------------------------------------------------------


@NEEDS_CSOUND
@pytest.mark.parametrize(
    ("orchestra", "code", "expected"),
    [
        (
            "instr 1\n  aSig rand 0.1\n  outs aSig, aSig\n\n; the second one\ninstr 2\nendin\n",
            "missing-endin",
            "  outs aSig, aSig\nendin\n\n; the second one\ninstr 2\n",
        ),
        ("instr 1\n  aSig rand 0.1\n  outs aSig, aSig\n", "missing-endin", "  outs aSig, aSig\nendin\n</Cs"),
        (
            "opcode Twice, a, a\n  aIn xin\n  xout aIn * 2\ninstr 1\n  aN rand 0.1\n  aS Twice aN\n"
            "  outs aS, aS\nendin\n",
            "missing-endop",
            "  xout aIn * 2\nendop\ninstr 1\n",
        ),
        (
            "instr 1\n  if p4 > 0 then\n    aSig rand 0.1\n    ; still inside\n  else\n    aSig = 0\n"
            "  outs aSig, aSig\nendin\n",
            "missing-endif",
            "  outs aSig, aSig\n  endif\nendin\n",
        ),
        (
            "instr 1\n  kI = 0\n  while kI < 3 do\n    kI += 1\nendin\n",
            "missing-od",
            "    kI += 1\n  od\nendin\n",
        ),
        (
            "instr 1\n  if p4 > 0 then\n    aSig rand 0.1\n    outs aSig, aSig\n"
            "instr 2\n  aN rand 0.1\n  outs aN, aN\nendin\n",
            "missing-endif",
            "    outs aSig, aSig\n  endif\nendin\ninstr 2\n",
        ),
    ],
    ids=["before-next-instr", "end-of-section", "endop", "endif-indented", "od", "if-runs-into-instr"],
)
def test_missing_end_is_inserted_after_the_last_statement(
    orchestra: str, code: str, expected: str, tmp_path: Path
) -> None:
    text = csd(orchestra, "i 1 0 1 1\n")
    document, found = fixes(text, code)
    assert len(found) == 1 and found[0].preferred
    assert not compiles(text, tmp_path)
    fixed = applied(document, found[0], code)
    assert expected in fixed
    assert not [f for f in static_findings(Document(document.uri, fixed)) if f.severity is Severity.ERROR]
    assert compiles(fixed, tmp_path)
    # the same fix where the block is found still open (the line Csound names)
    keyword = code.removeprefix("missing-")
    at_end = [
        f for f in static_findings(document) if f.code == "unclosed-block" and f.data["keyword"] == keyword
    ]
    assert len(at_end) == 1
    again = fixes_for(document, at_end[0])
    assert titles(again) == titles(found)
    assert apply_edits(document.source, again[0].edits) == apply_edits(document.source, found[0].edits)


@NEEDS_CSOUND
def test_missing_endin_at_the_end_of_an_orc_without_final_newline(tmp_path: Path) -> None:
    text = HEADER + "instr 1\n  aSig rand 0.1\n  out aSig"
    document, found = fixes(text, "missing-endin", ".orc")
    fixed = applied(document, found[0], "missing-endin")
    assert fixed.endswith("  out aSig\nendin\n")
    assert compiles(fixed, tmp_path, ".orc")


# -- header and tables ---------------------------------------------------------------------------------


@NEEDS_CSOUND
def test_missing_header_inserts_the_standard_header(tmp_path: Path) -> None:
    text = csd("instr 1\n  aSig rand 0.1\n  outs aSig, aSig\nendin\n", header="")
    document, found = fixes(text, "missing-header")
    assert titles(found) == ["Insert the standard header (sr, ksmps, nchnls, 0dbfs)"]
    fixed = applied(document, found[0], "missing-header")
    assert "<CsInstruments>\n" + HEADER + "instr 1" in fixed
    assert compiles(fixed, tmp_path)


@NEEDS_CSOUND
def test_missing_0dbfs_goes_after_the_header_there_is(tmp_path: Path) -> None:
    text = csd("instr 1\n  aSig rand 0.1\n  outs aSig, aSig\nendin\n", header="sr = 48000\nksmps = 64\n")
    document, found = fixes(text, "missing-header")
    assert titles(found) == ["Insert '0dbfs = 1'"]
    fixed = applied(document, found[0], "missing-header")
    assert "sr = 48000\nksmps = 64\n0dbfs = 1\ninstr 1" in fixed
    assert compiles(fixed, tmp_path)


@NEEDS_CSOUND
def test_missing_table_adds_a_sine_f_statement(tmp_path: Path) -> None:
    text = csd("instr 1\n  aSig oscili 0.1, 440, 7\n  outs aSig, aSig\nendin\n")
    document, found = fixes(text, "missing-table")
    assert titles(found) == ["Add a sine table: 'f 7 0 8192 10 1' in the score"]
    fixed = applied(document, found[0], "missing-table")
    assert "<CsScore>\nf 7 0 8192 10 1\ni 1 0 1\n" in fixed
    assert compiles(fixed, tmp_path)


@NEEDS_CSOUND
def test_missing_table_in_a_bare_orc_adds_ftgen_after_the_header(tmp_path: Path) -> None:
    # A bare .orc gets no missing-table finding (its tables may come from anywhere), but a client may
    # still send one from elsewhere: the fix then creates the table with ftgen.
    text = HEADER + "instr 1\n  aSig oscili 0.1, 440, 7\n  out aSig\nendin\n"
    document = Document(uri_for(".orc"), text)
    start = text.index(", 7") + 2
    finding = Finding(start, start + 1, Severity.WARNING, "missing-table", "no table 7", data={"table": 7})
    found = fixes_for(document, finding)
    assert titles(found) == ["Add a sine table: 'giTable7 ftgen 7, 0, 8192, 10, 1'"]
    fixed = apply_edits(document.source, found[0].edits).decode()
    assert "0dbfs = 1\ngiTable7 ftgen 7, 0, 8192, 10, 1\ninstr 1" in fixed
    assert compiles(fixed, tmp_path, ".orc")


# -- unused variables and envelopes ----------------------------------------------------------------------


@NEEDS_CSOUND
@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("  kUnused = 3 * p3\n", "kUnused"),
        ("  aX oscili 0.1, 440\n", "aX"),
        ("  kF = mtof(60) ; why\n", "kF"),
    ],
)
def test_unused_pure_statement_is_removed(line: str, name: str, tmp_path: Path) -> None:
    text = csd("instr 1\n" + line + "  aSig rand 0.1\n  outs aSig, aSig\nendin\n")
    document, found = fixes(text, "unused-variable")
    assert titles(found) == [f"Remove the unused '{name}'"]
    assert not found[0].preferred  # deleting code is never applied without asking
    fixed = applied(document, found[0], "unused-variable")
    assert fixed == text.replace(line, "")
    assert compiles(fixed, tmp_path)


@NEEDS_CSOUND
def test_unused_variable_with_several_assignments_loses_all_of_them(tmp_path: Path) -> None:
    text = csd(
        "instr 1\n  kX = 1\n  if p4 > 0 then\n    kX = 2\n  endif\n  loop: kY = 3\n"
        "  aSig rand 0.1\n  outs aSig, aSig\nendin\n",
        "i 1 0 1 1\n",
    )
    document = Document(uri_for(".csd"), text)
    unused = {f.data["name"]: f for f in static_findings(document) if f.code == "unused-variable"}
    assert set(unused) == {"kX", "kY"}
    (remove_x,) = fixes_for(document, unused["kX"])
    fixed = applied(document, remove_x, "unused-variable")
    assert "kX" not in fixed and "  if p4 > 0 then\n  endif\n" in fixed
    assert compiles(fixed, tmp_path)
    (remove_y,) = fixes_for(document, unused["kY"])
    fixed = applied(document, remove_y, "unused-variable")
    assert "  loop:\n  aSig rand 0.1\n" in fixed
    assert compiles(fixed, tmp_path)


@pytest.mark.parametrize(
    "line",
    [
        "  iTab ftgen 0, 0, 1024, 10, 1\n",
        "  kTrig metro 1\n",
        "  kR = rnd(1)\n",
        "  kSum += 1\n",
        '  iH = sprintf("%d", 1) + 0\n',
    ],
)
def test_unused_statement_with_effects_is_kept(line: str) -> None:
    text = csd("instr 1\n  kSum init 0\n" + line + "  aSig rand 0.1\n  outs aSig, aSig\nendin\n")
    document = Document(uri_for(".csd"), text)
    for finding in static_findings(document):
        if finding.code == "unused-variable" and finding.data.get("name") != "kSum":
            assert fixes_for(document, finding) == [], finding.message


@NEEDS_CSOUND
def test_exponential_zero_becomes_a_small_value(tmp_path: Path) -> None:
    text = csd("instr 1\n  kEnv expseg 0, p3, 1\n  aSig oscili kEnv, 440\n  outs aSig, aSig\nendin\n")
    document, found = fixes(text, "exponential-zero")
    assert titles(found) == ["Replace 0 with 0.001"]
    fixed = applied(document, found[0], "exponential-zero")
    assert "kEnv expseg 0.001, p3, 1" in fixed
    assert compiles(fixed, tmp_path)


# -- code actions without the protocol round trip ------------------------------------------------------


def test_code_actions_cover_only_the_requested_range_and_kind() -> None:
    text = csd("instr 1\n  aSig oscilli 0.1, 440\n  kEnv expseg 0, p3, 1\n  outs aSig*kEnv, aSig\nendin\n")
    document = Document(uri_for(".csd"), text)
    line = text.splitlines().index("  aSig oscilli 0.1, 440")
    params = types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=document.uri),
        range=types.Range(
            start=types.Position(line=line, character=8), end=types.Position(line=line, character=8)
        ),
        context=types.CodeActionContext(diagnostics=[]),
    )
    actions = code_actions(document, params, Settings())
    assert [a.title for a in actions if isinstance(a, types.CodeAction)] == ["Change to 'oscili'"]
    params.context = types.CodeActionContext(diagnostics=[], only=[types.CodeActionKind.QuickFix])
    assert len(code_actions(document, params, Settings())) == 1
    params.context = types.CodeActionContext(diagnostics=[], only=["quickfix"])
    assert len(code_actions(document, params, Settings())) == 1
    params.context = types.CodeActionContext(diagnostics=[], only=[types.CodeActionKind.Refactor])
    assert code_actions(document, params, Settings()) == []


def test_edits_are_in_utf16_positions() -> None:
    text = csd(
        "instr 1\n  kEnv expseg /* é🎵 */ 0, p3, 1\n  aSig oscili kEnv, 440\n  outs aSig, aSig\nendin\n"
    )
    document = Document(uri_for(".csd"), text)
    start = document.source.index(b"*/ 0") + len(b"*/ ")
    actions = quick_fixes(document, start, start)
    assert [a.title for a in actions] == ["Replace 0 with 0.001"]
    edit = actions[0].edit
    assert edit is not None and edit.changes is not None
    (text_edit,) = edit.changes[document.uri]
    # 🎵 is two UTF-16 units and four UTF-8 bytes: a byte-counted range would land elsewhere.
    assert text_edit.range.start.character == len("  kEnv expseg /* é🎵 */ ".encode("utf-16-le")) // 2
    document = document.edited([(span_from_lsp(text_edit.range), text_edit.new_text)])
    assert "kEnv expseg /* é🎵 */ 0.001, p3, 1" in document.text


# -- through the real server -----------------------------------------------------------------------------


async def test_server_answers_code_action_with_the_fix(client: LanguageClient) -> None:
    capabilities = INITIALIZE_RESULTS[id(client)].capabilities
    provider = capabilities.code_action_provider
    assert isinstance(provider, types.CodeActionOptions)
    assert provider.code_action_kinds is not None
    assert types.CodeActionKind.QuickFix in provider.code_action_kinds

    uri = "file:///tmp/quickfix.csd"
    text = csd("instr 1 ; é🎵\n  aSig oscilli 0.1, 440\n  outs aSig, aSig\nendin\n")
    diagnostics = await open_document(client, uri, text)
    unknown = [d for d in diagnostics if d.code == "unknown-opcode"]
    assert len(unknown) == 1
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=unknown[0].range,
            context=types.CodeActionContext(diagnostics=unknown, only=[types.CodeActionKind.QuickFix]),
        )
    )
    assert actions is not None
    (action,) = [a for a in actions if isinstance(a, types.CodeAction)]
    assert action.title == "Change to 'oscili'"
    assert action.kind == types.CodeActionKind.QuickFix
    assert action.is_preferred
    assert action.diagnostics is not None and action.diagnostics[0].code == "unknown-opcode"
    assert action.edit is not None and action.edit.changes is not None
    (edit,) = action.edit.changes[uri]
    assert edit.range == unknown[0].range and edit.new_text == "oscili"

    # The client applies the edit: the server's next diagnostics no longer have the error.
    waiter = client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangePartial(range=edit.range, text=edit.new_text)],
        )
    )
    await waiter
    assert not [d for d in client.diagnostics[uri] if d.severity == types.DiagnosticSeverity.Error]

    resolved = await client.code_action_resolve_async(action)
    assert resolved.edit == action.edit


async def test_server_has_no_actions_for_a_clean_range(client: LanguageClient) -> None:
    uri = "file:///tmp/clean.csd"
    text = csd("instr 1\n  aSig oscili 0.1, 440\n  outs aSig, aSig\nendin\n")
    await open_document(client, uri, text)
    assert text.splitlines()[9] == "instr 1"
    start, end = types.Position(line=9, character=0), types.Position(line=9, character=5)
    line_range = types.Range(start=start, end=end)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=line_range,
            context=types.CodeActionContext(diagnostics=[]),
        )
    )
    # AI actions (explain...) may be listed for any range; quick fixes only where something is wrong.
    assert [a for a in actions or [] if isinstance(a, types.CodeAction) and a.kind == "quickfix"] == []


@pytest.mark.parametrize(
    "text",
    [
        "\x00\xff garbage <CsInstruments> instr instr endin endop if then od\n" * 20,
        "instr 1\n  if then\n  while do\n  opcode\n",
        csd("instr 1\n  aSig oscilli kx, $M.\n  kE expseg 0, 1, 0\n", header=""),
        "",
    ],
)
def test_broken_input_gives_fixes_or_nothing_but_never_fails(text: str) -> None:
    document = Document(uri_for(".csd"), text)
    for action in quick_fixes(document, 0, len(document.source)):
        assert action.edit is not None and action.edit.changes
