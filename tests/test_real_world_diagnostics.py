"""Constructs of real-world Csound that Csound 6.18 accepts get no error from `check` (static and the
real Csound worker); the compile rules found on rejected public files give one.

Every text here is our own Csound, written for the test; each accepted construct is also compiled by
the real Csound first, so a test cannot pass on a construct Csound would refuse.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from pathlib import Path

import pytest
from lsprotocol import types

from csound_lsp.analysis.diagnostics import static_findings
from csound_lsp.analysis.findings import Finding, Severity
from csound_lsp.cli.check import findings_for, with_csound
from csound_lsp.csound.messages import Severity as RawSeverity
from csound_lsp.csound.messages import parse_messages
from csound_lsp.csound.sanitize import sanitize
from csound_lsp.features.completion import completion
from csound_lsp.features.hover import hover
from csound_lsp.features.navigation import definition
from csound_lsp.features.signature import signature_help
from csound_lsp.syntax.document import Document, Position
from tests.engines import csound_accepts as csound6_accepts
from tests.engines import csound_syntax_check

needs_csound = pytest.mark.skipif(shutil.which("csound") is None, reason="needs Csound 6")

HEADER = "sr = 48000\nksmps = 32\nnchnls = 2\n0dbfs = 1\n"


def csd(
    orchestra: str, score: str = "i 1 0 0.1\n", *, before: str = "", between: str = "", after: str = ""
) -> str:
    return (
        f"{before}<CsoundSynthesizer>\n<CsOptions>\n-d -m0\n</CsOptions>\n{between}<CsInstruments>\n{HEADER}"
        f"{orchestra}</CsInstruments>\n<CsScore>\n{score}</CsScore>\n</CsoundSynthesizer>\n{after}"
    )


def csound_accepts(path: Path) -> bool:
    """Csound 6.18's own verdict on the orchestra (the text as the worker hands it over)."""
    clean = path.with_name("clean-" + path.name)
    clean.write_text(sanitize(path.read_text()).text)
    return csound6_accepts(clean)


def check(path: Path, *, with_worker: bool = True) -> list[Finding]:
    """`csound-lsp check` in-process: static findings, then the real Csound worker (a subprocess)."""
    document, found = findings_for(str(path), path.read_text(), syntax_only=False)
    checked = [(str(path), document, found)]
    if with_worker:
        asyncio.run(with_csound(checked))
    return checked[0][2]


def errors(found: list[Finding]) -> list[str]:
    return [f"{f.code}: {f.message}" for f in found if f.severity == Severity.ERROR]


ACCEPTED = {
    "text-and-tags-outside-sections": csd(
        "instr 1\n  aSig oscili 0.1, 440\n  outs aSig, aSig\nendin\n",
        before="<html><p>notes before the piece</p>\n",
        between='</p>\n<Cabbage>\nform size(300, 200), caption("x")\n</Cabbage>\n',
        after="</code>\nmore words after the end\n",
    ),
    "score-bin-program": csd("instr 1\nendin\n").replace(
        "<CsScore>\ni 1 0 0.1\n", '<CsScore bin="python3">\nprint("i 1 0 0.1")\nfor n in range(3): pass\n'
    ),
    "macro-glued-to-global-names": csd(
        "#define VOICE #1#\ngkKey$VOICE init 60\ninstr 1\n  kNote = gkKey$VOICE\n  printk2 kNote\nendin\n"
    ),
    # Csound skips a start tag it does not know and reads the sections anyway; the end tag ends it
    "misspelt-start-tag-and-the-end-tag": csd("instr 1\n  print p3\nendin\n").replace(
        "<CsoundSynthesizer>", "<CSoundSynthesizer>", 1
    ),
    "header-names-read-inside-an-instrument": csd(
        "instr 1\n  iRate = sr\n  kTicks = kr * ksmps / iRate\n  print iRate, nchnls, 0dbfs, A4\n"
        "  printk2 kTicks\nendin\n"
    ),
    # a separator after the last parameter name: Csound 6.18 adds one more parameter, named by
    # nothing, which a use fills with nothing after its own last separator
    "macro-parameters-ending-in-a-separator": csd(
        "#define VOICE(out'num')#\ninstr $num\n  $out oscili 0.1, 440\n  outs $out, $out\nendin\n#\n"
        "$VOICE(aTone'1')\n"
    ),
    "udo-overloads": csd(
        "opcode Twice, a, k\n  kIn xin\n  xout a(kIn) * 2\nendop\n"
        "opcode Twice, k, k\n  kIn xin\n  xout kIn * 2\nendop\n"
        "instr 1\n  aOut Twice 0.1\n  kOut Twice 0.2\n  kAlso = Twice(kOut)\n"
        "  outs aOut * kAlso, aOut\nendin\n"
    ),
    "own-result-inside-a-later-expression": csd(
        "instr 1\n  kRate rspline 1, 4, kRate * 0.1, kRate * 0.2\n  printk2 kRate\nendin\n"
    ),
    "udo-returning-an-array-in-a-call": csd(
        "opcode Steps, i[], i\n  iN xin\n  iOut[] genarray 1, iN\n  xout iOut\nendop\n"
        "opcode Sum, 0, i[]\n  iArr[] xin\n  print sumarray(iArr)\nendop\n"
        "instr 1\n  Sum(Steps(4))\nendin\n"
    ),
    "goto-family": csd(
        "instr 1\n  igoto start\n  start:\n  if p3 > 1 kgoto done\n  timout 0, 0.05, done\n"
        "  reinit start\n  cggoto p3 > 2, done\n  done:\nendin\n"
    ),
    "score-reader-only-warns": csd("instr 1\n  print p4\nendin\n", "i 1 0 0.1 1 @\ni 1 0.1 0.1 <\ne\n"),
    "i-of-a-variable-and-typed-time": csd(
        "gkLevel init 1\ninstr 1\n  iLevel = i(gkLevel)\n  iNow = times:i()\n  print iLevel, iNow\nendin\n"
    ),
    # Csound 6.18 gives every classic UDO one more optional i-time argument (its local ksmps).
    "udo-with-its-local-ksmps-argument": csd(
        "opcode Swell, a, kk\n  kAmp, kHz xin\n  xout oscili:a(kAmp, kHz)\nendop\n"
        "opcode Note, 0, i\n  iHz xin\n  print iHz\nendop\n"
        "instr 1\n  aSig Swell 0.1, 220, 16\n  Note 440, 8\n  outs aSig, aSig\nendin\n"
    ),
    "old-t-variables": csd("instr 1\n  tCount init 10\n  tStep = 2\nendin\n"),
    "udo-called-with-a-converted-first-argument": csd(
        "opcode Report, 0, ii\n  iA, iB xin\n  print iA + iB\nendop\n"
        "instr 1\n  kLevel init 3\n  Report i(kLevel), 1\nendin\n"
    ),
    "udo-called-with-a-converted-first-argument-after-a-space": csd(
        "opcode Report, 0, ii\n  iA, iB xin\n  print iA + iB\nendop\n"
        "instr 1\n  kLevel init 3\n  Report i (kLevel), 1\nendin\n"
    ),
    "own-target-inside-a-conditional-value": csd(
        "instr 1\n  iStep = 0\n  until iStep > 4 do\n    iRows = (iStep % 2 == 0 ? iRows + 1 : iRows)\n"
        "    iStep += 1\n  od\nendin\n"
    ),
    "array-length-is-init-time": csd(
        "instr 1\n  iSteps[] fillarray 1, 2, 3\n  iMore[] init lenarray(iSteps) + 2\n"
        "  print lenarray(iMore)\nendin\n"
    ),
    "code-behind-ifdef-that-csound-skips": csd(
        "instr 1\n#ifdef WITH_PLUGIN\n  aSig somePluginOpcode 0.1\n#else\n  aSig oscili 0.1, 440\n#end\n"
        "#ifdef LEVEL\n  iLevel = $LEVEL\n#end\n  outs aSig, aSig\nendin\n"
    ),
    "functions-csound-types-at-i-rate": csd(
        "instr 1\n  kRate init 2\n  iA = abs(-2) * 3\n  iR = exprand(kRate)\n  iS = getseed()\n"
        '  iN = ntom("4A")\n  print iA, iR, iS, iN\nendin\n'
    ),
    "bare-words-in-options": csd("instr 1\nendin\n").replace("-d -m0\n", "-d -m0 -o dac notes\n"),
    "score-loop-named-with-a-statement-letter": csd(
        "instr 1\n  print p2\nendin\n", "{ 3 x\ni 1 [$x * 0.1] 0.1\n}\n"
    ),
    "score-lines-starting-with-values-and-carries": csd(
        "instr 1\n  print p4\nendin\n", "i 1 0 0.1 1\ni 1 0.1 0.1\nz\ni 1 0.2 0.1 3\nc\n"
    ),
}


@needs_csound
@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_construct_accepted_by_csound_gets_no_error(name: str, tmp_path: Path) -> None:
    path = tmp_path / f"{name}.csd"
    path.write_text(ACCEPTED[name])
    assert csound_accepts(path), f"Csound itself rejects the {name} example"
    assert errors(check(path)) == []


@needs_csound
def test_unknown_tags_from_csound_are_hints_on_the_tag(tmp_path: Path) -> None:
    path = tmp_path / "tags.csd"
    path.write_text(ACCEPTED["text-and-tags-outside-sections"])
    document = Document(path.as_uri(), path.read_text())
    tag_hints = [f for f in check(path) if f.code == "unknown-csd-tag"]
    assert tag_hints and all(f.severity == Severity.HINT for f in tag_hints)
    for finding in tag_hints:
        assert document.source[finding.start_byte : finding.end_byte].startswith(b"<")


@needs_csound
def test_score_reader_warnings_from_the_worker_are_warnings(tmp_path: Path) -> None:
    path = tmp_path / "score.csd"
    path.write_text(ACCEPTED["score-reader-only-warns"])
    proc = subprocess.run(
        ["csound", "-n", "-d", "-m0", str(path)], capture_output=True, text=True, check=False
    )
    score = [
        r for r in parse_messages(proc.stdout + proc.stderr, return_code=proc.returncode) if r.kind == "score"
    ]
    assert score, "Csound's score reader said nothing about '@' or '<'"
    assert all(r.severity == RawSeverity.WARNING for r in score)
    static = [
        f for f in static_findings(Document(path.as_uri(), path.read_text())) if f.code == "score-syntax"
    ]
    assert static and all(f.severity == Severity.WARNING for f in static)


def test_score_bin_section_leaves_no_unpaired_tag_for_csound() -> None:
    text = ACCEPTED["score-bin-program"]
    clean = sanitize(text).text
    assert len(clean) == len(text) and clean.count("\n") == text.count("\n")
    assert "CsScore" not in clean and "print(" not in clean and "<CsInstruments>" in clean


def test_builtin_called_another_way_with_an_include_only_warns(tmp_path: Path) -> None:
    # An included file may define a UDO of the same name: Csound adds it as one more overload.
    (tmp_path / "my_exprand.udo").write_text("opcode exprand, i, ii\n  iA, iB xin\n  xout iA + iB\nendop\n")
    text = csd('#include "my_exprand.udo"\ninstr 1\n  iv exprand 1, 2\n  print iv\nendin\n')
    found = static_findings(Document((tmp_path / "t.csd").as_uri(), text))
    assert errors(found) == []
    assert any(f.code == "argument-count" and f.severity == Severity.WARNING for f in found)


REJECTED = {
    "header-setting-inside-an-instrument": (
        "instr 1\n  aSig oscili 0.1, 440\n  sr = 44100\n  outs aSig, aSig\nendin\n",
        "header-in-body",
    ),
    "header-setting-inside-a-udo": (
        "opcode Quiet, a, a\n  aIn xin\n  0dbfs = 1\n  xout aIn * 0.5\nendop\n"
        "instr 1\n  aOut Quiet oscili(0.1, 440)\n  outs aOut, aOut\nendin\n",
        "header-in-body",
    ),
    "udo-without-xin": (
        "opcode Half, i, i\n  xout 1\nendop\ninstr 1\n  iv Half 2\n  print iv\nendin\n",
        "udo-signature",
    ),
    "udo-without-xout": ("opcode Log, k, k\n  kIn xin\nendop\ninstr 1\n  kv Log 2\nendin\n", "udo-signature"),
    "i-of-an-expression": (
        "gkLevel init 1\ninstr 1\n  iv = i(gkLevel * 2)\n  print iv\nendin\n",
        "i-expression",
    ),
    "i-rate-from-k-rate": (
        "instr 1\n  kv = 1\n  iv = kv\n  iw = times() % 10\n  print iv, iw\nendin\n",
        "rate-mismatch",
    ),
    "global-never-assigned": (
        "#define LEN #2#\ninstr 1\n  iv init $LEN\n  kv = gkNowhere * iv\nendin\n",
        "undefined-variable",
    ),
    "udo-extra-argument-at-k-rate": (
        "opcode Swell, a, kk\n  kAmp, kHz xin\n  xout oscili:a(kAmp, kHz)\nendop\n"
        "instr 1\n  kRate = 16\n  aSig Swell 0.1, 220, kRate\n  outs aSig, aSig\nendin\n",
        "argument-count",
    ),
    "udo-two-extra-arguments": (
        "opcode Note, 0, i\n  iHz xin\n  print iHz\nendop\ninstr 1\n  Note 440, 8, 2\nendin\n",
        "argument-count",
    ),
    "i-rate-from-a-function-csound-types-at-k-rate": (
        "instr 1\n  iHz = mtof(60) * 2\n  print iHz\nendin\n",
        "rate-mismatch",
    ),
    "i-rate-from-a-function-of-a-k-value": (
        "instr 1\n  kLevel init 3\n  iLevel = abs(kLevel)\n  print iLevel\nendin\n",
        "rate-mismatch",
    ),
    "unknown-opcode-in-a-branch-the-instrument-turns-on": (
        "instr 1\n#define WITH_PLUGIN ##\n#ifdef WITH_PLUGIN\n  aSig somePluginOpcode 0.1\n#end\n"
        "  outs aSig, aSig\nendin\n",
        "unknown-opcode",
    ),
    "target-used-early-outside-a-conditional": (
        "instr 1\n  iRows = iRows + 1\n  print iRows\nendin\n",
        "used-before-defined",
    ),
}


@needs_csound
def test_a_score_line_starting_with_no_statement_letter_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "score.csd"
    path.write_text(csd("instr 1\n  print p4\nendin\n", "i 1 0 0.1 1\nu 1 2\n"))
    proc = subprocess.run(
        ["csound", "-n", "-d", "-m0", str(path)], capture_output=True, text=True, check=False
    )
    assert "illegal opcode u" in proc.stdout + proc.stderr
    found = [
        f for f in static_findings(Document(path.as_uri(), path.read_text())) if f.code == "score-statement"
    ]
    assert [f.severity for f in found] == [Severity.ERROR]
    assert path.read_bytes()[found[0].start_byte : found[0].end_byte] == b"u"


@needs_csound
@pytest.mark.parametrize("name", sorted(REJECTED))
def test_compile_rules_csound_enforces_give_an_error(name: str, tmp_path: Path) -> None:
    orchestra, code = REJECTED[name]
    path = tmp_path / f"{name}.csd"
    path.write_text(csd(orchestra))
    assert not csound_accepts(path), f"Csound accepts the {name} example"
    assert any(f.code == code and f.severity == Severity.ERROR for f in check(path, with_worker=False))


OVERLOADS = ACCEPTED["udo-overloads"]


def _at(text: str, needle: str, nth: int = 0, shift: int = 1) -> Position:
    offset = -1
    for _ in range(nth + 1):
        offset = text.index(needle, offset + 1)
    offset += shift
    line = text.count("\n", 0, offset)
    return Position(line, offset - (text.rfind("\n", 0, offset) + 1))


def test_udo_overload_is_picked_by_types_for_definition_and_hover() -> None:
    document = Document("file:///t.csd", OVERLOADS)
    audio_def = _at(OVERLOADS, "opcode Twice, a", shift=8).line
    control_def = _at(OVERLOADS, "opcode Twice, k", shift=8).line
    for needle, wanted, outputs in (("aOut Twice", audio_def, "a"), ("kOut Twice", control_def, "k")):
        position = _at(OVERLOADS, needle, shift=6)
        found = definition(document, types.Position(position.line, position.character), [document])
        assert [loc.range.start.line for loc in found] == [wanted]
        shown = hover(document, position)
        assert shown is not None and isinstance(shown.contents, types.MarkupContent)
        assert f"opcode Twice, {outputs}, k" in shown.contents.value
    # the second definition is found from its own name too
    position = _at(OVERLOADS, "opcode Twice, k", shift=8)
    found = definition(document, types.Position(position.line, position.character), [document])
    assert [loc.range.start.line for loc in found] == [control_def]


@pytest.mark.parametrize("word", ["kgoto", "igoto", "goto"])
def test_goto_words_get_hover_signature_and_completion(word: str) -> None:
    text = f"instr 1\n  {word} done\n  if p3 > 1 {word} done\n  done:\n  {word[:3]}\nendin\n"
    document = Document("file:///t.orc", text)
    for line, column in ((1, 3), (2, 13)):
        shown = hover(document, Position(line, column))
        assert shown is not None and isinstance(shown.contents, types.MarkupContent)
        assert f"**{word}**" in shown.contents.value
    for line, column in ((1, len(f"  {word} ")), (2, len(f"  if p3 > 1 {word} "))):
        help_ = signature_help(document, Position(line, column))
        assert help_ is not None and help_.signatures[0].label.startswith(word)
    items = completion(document, Position(4, 5)).items
    assert any(i.label == word and i.kind == types.CompletionItemKind.Function for i in items)


def test_csound_is_checked_on_the_real_corpus_paths() -> None:
    # The corpus the project ships is our own Csound: every CSD in it stays free of false errors.
    corpus = Path(__file__).resolve().parent.parent / "corpus"
    files = sorted(corpus.rglob("*.csd"))[:40]
    assert files
    for path in files:
        document = Document(path.as_uri(), path.read_text(encoding="utf-8", errors="replace"))
        assert not [f for f in static_findings(document) if f.code in ("i-expression", "udo-signature")], path


@pytest.mark.parametrize("name", sorted([*ACCEPTED, *REJECTED]))
def test_editor_path_finds_what_check_finds(name: str) -> None:
    # The server checks item by item over a skeleton (analysis/incremental.py): same findings.
    from csound_lsp.analysis.incremental import document_findings

    text = ACCEPTED[name] if name in ACCEPTED else csd(REJECTED[name][0])
    document = Document("file:///t.csd", text)
    assert document_findings(document) == static_findings(document)


#: Option lines with a comment glued to a word: Csound 6.18 accepts some and rejects others.
GLUED_OPTIONS = [
    "-odac;realtime",
    "-o dac;two words",
    "-Q 14;-iadc",
    "--midi-key=4;key",
    "-d;quiet",
    "-m0;messages",
    "-b 256;-B1024",
    "-odac;and three more words",
    "-odac -d;x",
]


@needs_csound
@pytest.mark.parametrize("options", GLUED_OPTIONS)
def test_glued_option_comments_follow_csound(options: str, tmp_path: Path) -> None:
    path = tmp_path / "options.csd"
    path.write_text(csd("instr 1\nendin\n").replace("-d -m0\n", options + "\n"))
    proc = subprocess.run(
        ["csound", "--syntax-check-only", str(path)], capture_output=True, text=True, check=False
    )
    ours = [
        f for f in static_findings(Document(path.as_uri(), path.read_text())) if f.code == "option-comment"
    ]
    assert (proc.returncode == 0) == (ours == []), proc.stdout + proc.stderr


#: A block left open, and the text that tells Csound's reader so (where Csound names the error).
UNCLOSED = {
    "instr-before-the-next-instr": "instr 1\n  aSig oscili 0.1, 440\n  outs aSig, aSig\n\ninstr 2\nendin\n",
    "instr-at-the-end-of-the-orchestra": "instr 1\n  aSig oscili 0.1, 440\n  outs aSig, aSig\n\n\n",
    "udo-before-an-instr": "opcode Half, a, a\n  aIn xin\n  xout aIn * 0.5\n\ninstr 1\nendin\n",
    "if-before-endin": "instr 1\n  kx init 1\n  if kx > 0 then\n    kx = 2\n\nendin\n",
}
UNCLOSED_END = {
    name: "endop" if name.startswith("udo") else "endif" if name.startswith("if") else "endin"
    for name in UNCLOSED
}


@needs_csound
@pytest.mark.parametrize("name", sorted(UNCLOSED))
def test_an_unclosed_block_is_also_named_on_csounds_line(name: str, tmp_path: Path) -> None:
    """We name a missing `endin` on the `instr` line; Csound names the line where its reader found
    out (the next block, the end of the orchestra): an error there too, so both can be found."""
    text = csd(UNCLOSED[name])
    path = tmp_path / f"{name}.csd"
    path.write_text(text)
    proc = csound_syntax_check(path)
    raw = parse_messages(proc.stdout + proc.stderr, return_code=proc.returncode)
    lines = {d.line + 1 for d in raw if d.line is not None}  # 0-based there
    assert proc.returncode != 0 and lines, f"Csound accepts the {name} example"
    found = [f for f in static_findings(Document(path.as_uri(), text)) if f.severity == Severity.ERROR]
    assert {f.code for f in found} == {"missing-" + UNCLOSED_END[name], "unclosed-block"}
    ours = {text.count("\n", 0, f.start_byte) + 1 for f in found if f.code == "unclosed-block"}
    assert ours == lines


BODY = "<CsInstruments>\ninstr 1\n  aSig oscili 0.1, 440\n  outs aSig, aSig\nendin\n</CsInstruments>\n"
NO_CSD_START = {
    "no-tag-at-all": "instr 1\n  aSig oscili 0.1, 440\n  outs aSig, aSig\nendin\n",
    "sections-without-the-tag": BODY + "<CsScore>\ni 1 0 0.1\n</CsScore>\n",
    "tag-in-a-comment": "; a piece for <CsoundSynthesizer>\n" + BODY,
    "tag-with-a-space-inside": "<CsoundSynthesizer >\n" + BODY,
    "tag-after-text-on-its-line": "notes <CsoundSynthesizer>\n" + BODY,
}
CSD_STARTS = {
    "tag-indented": "  \t<CsoundSynthesizer>\n" + BODY,
    "tag-after-other-lines": "a first line of notes\n<CsoundSynthesizer> and more words\n" + BODY,
    "british-spelling": "<CsoundSynthesiser>\n" + BODY + "</CsoundSynthesiser>\n",
    # the end tag stops Csound's reader whether or not a start tag came first
    "only-the-end-tag": "notes <CsoundSynthesizer>\n" + BODY + "</CsoundSynthesizer>\n",
}


@needs_csound
@pytest.mark.parametrize("name", sorted(NO_CSD_START))
def test_a_csd_with_no_line_starting_the_tag_is_refused_on_its_first_line(name: str, tmp_path: Path) -> None:
    path = tmp_path / f"{name}.csd"
    path.write_text(NO_CSD_START[name])
    proc = csound_syntax_check(path)
    assert "Could not find <CsoundSynthesizer>" in proc.stdout + proc.stderr
    found = check(path, with_worker=False)
    first_line = len(path.read_bytes().split(b"\n", 1)[0])
    # ours, or a syntax error on the same line (one problem, one message: the syntax error stays)
    assert any(f.severity == Severity.ERROR and f.start_byte <= first_line for f in found)
    if not [f for f in found if f.code == "syntax-error"]:
        assert [f.start_byte for f in found if f.code == "no-csd-tag"] == [0]


@needs_csound
@pytest.mark.parametrize("name", sorted(CSD_STARTS))
def test_a_tag_csound_finds_gives_no_csd_start_error(name: str, tmp_path: Path) -> None:
    path = tmp_path / f"{name}.csd"
    path.write_text(CSD_STARTS[name])
    assert csound_accepts(path)
    assert not [f for f in check(path, with_worker=False) if f.code == "no-csd-tag"]


@needs_csound
def test_every_i_from_k_assignment_is_found_after_longer_statements(tmp_path: Path) -> None:
    # the assignments are found by a tree-sitter query whose captures do not come in document order
    orchestra = (
        "instr 1\n  iSteps[] = fillarray(1, 2, 3, 4, 5, 6, 7, 8)\n  iNow = times() % 10\n"
        "  iHalf = (iNow > 5) ? (10 - iNow) : iNow\n  iPart = iHalf / 5\n  iGain = (iPart * 20) + 0.5\n"
        "  iLast = times() * 2\n  print iGain, iLast, iSteps[0]\nendin\n"
    )
    path = tmp_path / "order.csd"
    path.write_text(csd(orchestra))
    assert not csound_accepts(path)
    text = path.read_text()
    found = [f for f in check(path, with_worker=False) if f.code == "rate-mismatch"]
    assert sorted(text[f.start_byte : f.end_byte] for f in found) == ["times() % 10", "times() * 2"]
