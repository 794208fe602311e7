"""`csound-lsp explain | generate | fix` against the fake Ollama, and the terminal highlighter."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from csound_lsp.cli import main
from csound_lsp.cli.highlight import AnswerWriter, highlight, highlights_path
from csound_lsp.syntax.languages import FileKind
from tests.fake_ollama import FakeOllama

ANSWER = (
    "Here it is:\n```csound\ninstr 1\n  aSig oscili 0.2, 440\n  outs aSig, aSig\nendin\n```\n"
    "```score\ni 1 0 1\n```\n"
)
BROKEN = (
    "<CsoundSynthesizer>\n<CsInstruments>\nsr = 48000\nksmps = 32\nnchnls = 2\n0dbfs = 1\n"
    "instr 1\n  aSig oscilli 0.2, 440\n  outs aSig, aSig\nendin\n</CsInstruments>\n"
    "<CsScore>\ni 1 0 1\n</CsScore>\n</CsoundSynthesizer>\n"
)


def chunks(text: str, size: int = 4) -> tuple[str, ...]:
    return tuple(text[i : i + size] for i in range(0, len(text), size))


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No user log, no user index, no real Ollama."""
    monkeypatch.setenv("CSOUND_LSP_LOG_DIR", str(tmp_path / "log"))
    monkeypatch.setenv("CSOUND_LSP_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("CSOUND_LSP_AI_HOST", "http://127.0.0.1:9")
    for name in ("CSOUND_LSP_AI_MODEL", "CSOUND_LSP_AI_CHAT_MODEL", "CSOUND_LSP_AI_ENABLED", "OLLAMA_HOST"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.fixture
def fake(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOllama]:
    with FakeOllama(tokens=chunks(ANSWER)) as server:
        monkeypatch.setenv("CSOUND_LSP_AI_HOST", server.url)
        yield server


def broken_file(folder: Path) -> Path:
    path = folder / "broken.csd"
    path.write_text(BROKEN, encoding="utf-8")
    return path


# --- the commands ---------------------------------------------------------------------------------


EXPLANATION = "The instrument plays a quiet sine at 440 Hz.\nThe signal goes to both channels with outs.\n"


def test_explain_prints_the_answer_and_catalog_facts(
    fake: FakeOllama, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.tokens = chunks(EXPLANATION)
    assert main(["explain", str(broken_file(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert "\x1b[" not in out  # not a terminal: plain text
    assert "quiet sine at 440 Hz" in out
    assert "**Opcodes** (from the Csound catalog)" in out and "`outs`" in out
    sent = fake.requests_to("/api/chat")[-1].body["messages"]
    assert "oscilli" in sent[-1]["content"]


def test_explain_reads_stdin_when_piped(
    fake: FakeOllama, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fake.tokens = chunks(EXPLANATION)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"instr 7\n  out vco2(0.1, 220)\nendin\n")))
    assert main(["explain"]) == 0
    assert "quiet sine" in capsys.readouterr().out
    assert "instr 7" in fake.requests_to("/api/chat")[-1].body["messages"][-1]["content"]


def test_explain_that_only_echoes_the_prompt_fails_and_stops_early(
    fake: FakeOllama, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A model reciting its instructions, a section tag and code: exit 1, nothing of it printed,
    and the stream is cut off long before its end."""
    from csound_lsp.ai.prompts import EXPLAIN_SYSTEM

    echo = "<CsOptions>\n```csound\naSig oscilli 0.2, 440\n```\n" + EXPLAIN_SYSTEM + "\n"
    fake.tokens = chunks(echo * 20, 6)
    fake.token_delay = 0.02  # 600 chunks (the token cap) would take 12 s
    assert main(["explain", str(broken_file(tmp_path))]) == 1
    captured = capsys.readouterr()
    assert "no usable explanation" in captured.err
    assert "musician" not in captured.out and "<CsOptions>" not in captured.out
    request = fake.requests_to("/api/chat")[-1]
    assert fake.wait_disconnected(request)  # cut off, not read to the end


def test_explain_facts_never_fold_signatures_into_the_name() -> None:
    from csound_lsp.ai.assistant import opcode_facts

    facts = opcode_facts(["taninv2", "oscili"])
    assert facts and all(" Signatures" not in fact.split(":", 1)[0] for fact in facts)
    assert facts[0].startswith("- `taninv2`")


def test_generate_writes_a_checked_csd(
    fake: FakeOllama, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "new.csd"
    assert main(["generate", "a quiet sine tone", "-o", str(out)]) == 0
    csd = out.read_text(encoding="utf-8")
    assert "<CsoundSynthesizer>" in csd and "aSig oscili 0.2, 440" in csd and "i 1 0 1" in csd
    assert "attempt 1: valid" in capsys.readouterr().err


def test_generate_to_a_pipe_prints_only_the_csd(fake: FakeOllama, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["generate", "a quiet sine tone"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("<CsoundSynthesizer>") and out.rstrip().endswith("</CsoundSynthesizer>")
    assert "Here it is" not in out


def test_generate_that_never_validates_is_exit_1(
    isolated: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with FakeOllama(
        tokens=chunks("```csound\ninstr 1\n  aSig nosuchopcode 1\n  out aSig\nendin\n```\n")
    ) as server:
        monkeypatch.setenv("CSOUND_LSP_AI_HOST", server.url)
        assert main(["generate", "anything", "--attempts", "2"]) == 1
    err = capsys.readouterr().err
    assert "attempt 2:" in err and "still has problems" in err


def test_fix_prints_a_diff_and_writes_with_write(
    fake: FakeOllama, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = broken_file(tmp_path)
    assert main(["fix", str(path)]) == 0
    diff = capsys.readouterr().out
    assert "-  aSig oscilli 0.2, 440" in diff and "+  aSig oscili 0.2, 440" in diff
    assert path.read_text(encoding="utf-8") == BROKEN  # untouched without --write
    assert main(["fix", str(path), "--write"]) == 0
    assert "oscili 0.2" in path.read_text(encoding="utf-8")
    assert "oscilli" not in path.read_text(encoding="utf-8")


def test_fix_of_a_clean_file_changes_nothing(
    fake: FakeOllama, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "clean.csd"
    path.write_text(BROKEN.replace("oscilli", "oscili"), encoding="utf-8")
    assert main(["fix", str(path), "--write"]) == 0
    assert "Nothing to fix" in capsys.readouterr().err
    assert not fake.requests_to("/api/chat")


@pytest.mark.parametrize("command", [["explain"], ["fix"], ["generate", "a pad"]])
def test_no_backend_is_a_clear_message_and_exit_1(
    isolated: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    args = [*command, str(broken_file(isolated))] if len(command) == 1 else command
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "No AI backend at http://127.0.0.1:9" in err and "ollama serve" in err
    assert "Traceback" not in err


def test_ai_turned_off_is_exit_1(
    isolated: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CSOUND_LSP_AI_ENABLED", "false")
    assert main(["explain", str(broken_file(isolated))]) == 1
    assert "turned off" in capsys.readouterr().err


@pytest.mark.parametrize("command", [["explain"], ["fix"]])
def test_missing_or_binary_input_is_exit_2(
    isolated: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*command, str(isolated / "nope.csd")]) == 2
    assert "no such file" in capsys.readouterr().err
    binary = isolated / "blob.csd"
    binary.write_bytes(b"\x00\x01\x02instr")
    assert main([*command, str(binary)]) == 2
    assert "binary" in capsys.readouterr().err


def test_empty_description_is_exit_2(isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["generate", "   "]) == 2
    assert "empty" in capsys.readouterr().err


# --- the highlighter ------------------------------------------------------------------------------


def test_highlight_uses_the_grammar_query() -> None:
    assert highlights_path().is_file()
    coloured = highlight("instr 1\n  aSig oscili 0.5, 440 ; tone\n  out aSig\nendin\n", FileKind.ORC)
    assert "\x1b[35minstr\x1b[0m" in coloured  # keyword
    assert "\x1b[33m1\x1b[0m" in coloured  # instrument name: the later, more specific pattern wins
    assert "\x1b[36moscili\x1b[0m" in coloured  # builtin opcode
    assert "\x1b[90m; tone\x1b[0m" in coloured  # comment
    plain = coloured
    for code in ("\x1b[35m", "\x1b[33m", "\x1b[36m", "\x1b[90m", "\x1b[93m", "\x1b[0m"):
        plain = plain.replace(code, "")
    assert plain == "instr 1\n  aSig oscili 0.5, 440 ; tone\n  out aSig\nendin\n"


def test_answer_writer_colours_code_blocks_line_by_line() -> None:
    stream = io.StringIO()
    writer = AnswerWriter(stream, colour=True)
    for piece in chunks("Some prose.\n```csound\ninstr 1\n  out oscili(0.1, 440)\n", 3):
        writer(piece)
    shown = stream.getvalue()
    assert shown.startswith("Some prose.\n")
    assert "\x1b[35minstr\x1b[0m" in shown and "oscili" in shown  # each line as soon as it is complete
    writer("endin\n```\nDone")
    assert stream.getvalue().endswith("Done")  # prose streams before its line ends
    writer.finish()
    assert writer.text.endswith("```\nDone")


def test_answer_writer_without_colour_passes_text_through() -> None:
    stream = io.StringIO()
    writer = AnswerWriter(stream, colour=False)
    for piece in chunks(ANSWER, 5):
        writer(piece)
    writer.finish()
    assert stream.getvalue() == ANSWER


def test_highlight_without_the_query_file_walks_the_tree(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """An installed wheel has no grammar folder: leaves are coloured by node type instead."""
    from csound_lsp.cli import highlight as module

    monkeypatch.setattr(module, "highlights_path", lambda: tmp_path / "missing.scm")
    module._query.cache_clear()
    try:
        coloured = highlight("instr 1\n  aSig oscili 0.5, 440 ; tone\nendin\n", FileKind.ORC)
    finally:
        module._query.cache_clear()
    assert "\x1b[36moscili\x1b[0m" in coloured and "\x1b[90m; tone\x1b[0m" in coloured
    assert "\x1b[93m440\x1b[0m" in coloured
