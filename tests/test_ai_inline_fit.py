"""Inline completion that fits the moment, against the fake Ollama through the real InlineEngine:
one line mid-line, a block on a blank line cut at its end and at a repeat, nothing shown that adds an
error, and the code after the cursor reaching a model that has no fill-in-the-middle format."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from csound_lsp.ai.ailog import AILog
from csound_lsp.ai.budget import estimate_tokens
from csound_lsp.ai.grounding import Retrieval
from csound_lsp.ai.inline import LINE_PROMPT_FLOOR, InlineEngine
from csound_lsp.ai.service import AIService
from csound_lsp.settings import parse_ai_settings
from csound_lsp.syntax.document import Document
from tests.fake_ollama import FakeOllama

HEADER = "sr = 48000\nksmps = 32\nnchnls = 2\n0dbfs = 1\n\n"
MID_LINE = HEADER + "instr 1\n  aSig oscili \n  outs aSig, aSig\nendin\n"
BLANK_LINE = HEADER + "instr 1\n  kEnv linseg 0, 0.1, 1, p3 - 0.1, 0\n\n  outs aSig, aSig\nendin\n"


class NoRetrieval:
    async def search(self, query: str, **_: Any) -> Retrieval:
        return Retrieval()


@pytest.fixture
async def fake() -> AsyncIterator[FakeOllama]:
    with FakeOllama() as server:
        yield server


async def engine_for(
    fake: FakeOllama, tmp_path: Path, model: str = "qwen2.5-coder:1.5b-base"
) -> InlineEngine:
    settings, problems = parse_ai_settings({"host": fake.url, "models": {"completion": model}}, env={})
    assert not problems
    return InlineEngine(
        AIService(settings),
        retriever=NoRetrieval(),
        log=AILog(tmp_path),
        debounce=False,  # type: ignore[arg-type]
    )


async def suggest(engine: InlineEngine, text: str, offset: int) -> list[str]:
    try:
        found = await engine.suggest(Document("file:///t/piece.orc", text), offset, invoked=True)
    finally:
        await engine.service.aclose()
    return [s.text for s in found]


async def test_mid_line_gets_one_line_and_asks_for_one(fake: FakeOllama, tmp_path: Path) -> None:
    fake.tokens = ("0.3, 440", "\n", "  aSig2 oscili 0.1, 880", "\n", "  outs aSig2, aSig2\n")
    engine = await engine_for(fake, tmp_path)
    offset = MID_LINE.index("oscili ") + len("oscili ")
    assert await suggest(engine, MID_LINE, offset) == ["0.3, 440"]
    body = fake.requests_to("/api/generate")[-1].body
    assert "\n" in body["options"]["stop"] and body["options"]["num_predict"] <= 40


async def test_blank_line_in_a_body_gets_a_block_cut_at_the_first_repeat(
    fake: FakeOllama, tmp_path: Path
) -> None:
    block = "  aSig oscili 0.2 * kEnv, 440\n  aSig = aSig * 0.5\n  aSig oscili 0.2 * kEnv, 440\n"
    fake.tokens = tuple(block.splitlines(keepends=True))
    engine = await engine_for(fake, tmp_path)
    offset = BLANK_LINE.index("\n\n  outs") + 1
    shown = await suggest(engine, BLANK_LINE, offset)
    assert shown[0] == "  aSig oscili 0.2 * kEnv, 440\n  aSig = aSig * 0.5"  # then its first line alone


async def test_a_suggestion_that_adds_an_error_is_never_shown(fake: FakeOllama, tmp_path: Path) -> None:
    fake.tokens = ("  aSig osclli 0.2 * kEnv, 440\n",)  # an opcode that does not exist
    engine = await engine_for(fake, tmp_path)
    offset = BLANK_LINE.index("\n\n  outs") + 1
    assert await suggest(engine, BLANK_LINE, offset) == []
    assert engine.rejected == 1 and engine.generations == 1


async def test_without_a_fim_format_the_code_after_the_cursor_is_in_the_prompt(
    fake: FakeOllama, tmp_path: Path
) -> None:
    fake.tokens = ("  aSig oscili 0.2 * kEnv, 440\n",)
    engine = await engine_for(fake, tmp_path, model="mystery-model:1b")  # no insert, no FIM tokens
    offset = BLANK_LINE.index("\n\n  outs") + 1
    assert await suggest(engine, BLANK_LINE, offset) == ["  aSig oscili 0.2 * kEnv, 440"]
    body = fake.requests_to("/api/generate")[-1].body
    assert body.get("raw") is True and "suffix" not in body
    prompt = body["prompt"]
    assert "; the code after the cursor's line:\n;     outs aSig, aSig" in prompt
    assert prompt.endswith("p3 - 0.1, 0\n")


async def test_mid_line_the_prompt_is_the_code_alone(fake: FakeOllama, tmp_path: Path) -> None:
    """Measured on the dev half: comments above the code (signatures, header, the code after the
    cursor) made a small model's rest-of-line worse, so mid-line it gets the code as written."""
    fake.tokens = ("0.3, 440\n",)
    engine = await engine_for(fake, tmp_path, model="mystery-model:1b")
    offset = MID_LINE.index("oscili ") + len("oscili ")
    assert await suggest(engine, MID_LINE, offset) == ["0.3, 440"]
    prompt = fake.requests_to("/api/generate")[-1].body["prompt"]
    assert prompt == MID_LINE[:offset]


async def test_the_prompt_shrinks_to_what_a_slow_backend_reads_in_the_latency_budget(
    fake: FakeOllama, tmp_path: Path
) -> None:
    body_lines = "".join(f"  k{n} = {n}\n" for n in range(120))  # a long instrument above the cursor
    text = HEADER + "instr 1\n" + body_lines + "  aSig oscili \nendin\n"
    offset = text.index("aSig oscili ") + len("aSig oscili ")
    fake.tokens = ("0.3, 440\n",)
    fake.prompt_eval = (600, 10_000_000_000)  # 600 tokens in 10 s: 60 tokens/s
    engine = await engine_for(fake, tmp_path)
    try:
        first = await engine.suggest(Document("file:///t/a.orc", text), offset, invoked=True)
        engine._cache.clear()
        second = await engine.suggest(Document("file:///t/a.orc", text, version=2), offset, invoked=True)
    finally:
        await engine.service.aclose()
    assert [s.text for s in first] == [s.text for s in second] == ["0.3, 440"]
    prompts = [request.body["prompt"] for request in fake.requests_to("/api/generate")]
    assert engine.prefill.tokens_per_s == pytest.approx(60.0)
    # the first request sent the full line budget; the second what 60 tokens/s read in the budget
    assert estimate_tokens(prompts[0]) > 400
    assert estimate_tokens(prompts[1]) <= LINE_PROMPT_FLOOR + 16
    assert prompts[1].endswith("aSig oscili ")


async def test_when_the_model_line_adds_an_error_the_documents_own_call_is_offered(
    fake: FakeOllama, tmp_path: Path
) -> None:
    text = (
        HEADER
        + "instr 1\n  kEnv linseg 0, 0.1, 1, p3 - 0.1, 0\n  aSig oscili kEnv * 0.3, p4, 1\n"
        + "  outs aSig, aSig\nendin\n"
        + "instr 2\n  kAmp linseg 0, 1, 1\n  aTone oscili \n  outs aTone, aTone\nendin\n"
    )
    fake.tokens = ("kUndefined, 440\n",)  # a name nobody defined: it adds an error
    engine = await engine_for(fake, tmp_path)
    offset = text.index("aTone oscili ") + len("aTone oscili ")
    shown = await suggest(engine, text, offset)
    # instrument 1's call, its envelope renamed to the envelope defined above the cursor
    assert shown == ["kAmp * 0.3, p4, 1"]
    assert engine.rejected == 1


async def test_evidence_is_checked_like_the_model_line(fake: FakeOllama, tmp_path: Path) -> None:
    text = (
        HEADER
        + "instr 1\n  aSig oscili 0.3, 440, 1, 0, 7\n  outs aSig, aSig\nendin\n"  # too many arguments
        + "instr 2\n  aTone oscili \n  outs aTone, aTone\nendin\n"
    )
    fake.tokens = ("kUndefined, 440\n",)
    engine = await engine_for(fake, tmp_path)
    offset = text.index("aTone oscili ") + len("aTone oscili ")
    assert await suggest(engine, text, offset) == []
    assert engine.rejected == 2


async def test_too_few_arguments_the_model_goes_on_after_a_comma(fake: FakeOllama, tmp_path: Path) -> None:
    text = HEADER + "instr 1\n  aSig vco2 \n  outs aSig, aSig\nendin\n"
    fake.tokens = ("0.2\n",)  # vco2 needs an amplitude and a frequency
    engine = await engine_for(fake, tmp_path)
    offset = text.index("vco2 ") + len("vco2 ")
    assert await suggest(engine, text, offset) == ["0.2, 0.2"]
    prompts = [request.body.get("prompt", "") for request in fake.requests_to("/api/generate")]
    assert len(prompts) == 2 and prompts[1].endswith("aSig vco2 0.2, ")


async def test_an_argument_list_that_runs_on_is_cut(fake: FakeOllama, tmp_path: Path) -> None:
    text = "giSine ftgen 0, 0, 8192, 10, 1\n" + HEADER + "instr 1\n  aSig oscili \n  outs aSig, aSig\nendin\n"
    fake.tokens = ("0.3, 440, giSine, 0, 0, 0, 0, 0\n",)
    engine = await engine_for(fake, tmp_path)
    offset = text.index("oscili ") + len("oscili ")
    assert await suggest(engine, text, offset) == ["0.3, 440, giSine, 0"]
    assert engine.generations == 1


CONTINUED = (
    HEADER + "instr 1\n  kEnv linseg \n      0.5, 1, 0\n  aSig oscili kEnv, 440\n  outs aSig, aSig\nendin\n"
)


@pytest.mark.parametrize(("answer", "shown"), [("0, 1, 1", []), ("0, 1, 1,", ["0, 1, 1,"])])
async def test_a_line_continued_below_must_be_completed_so_it_parses(
    fake: FakeOllama, tmp_path: Path, answer: str, shown: list[str]
) -> None:
    """The line below continues the statement: ending it without a comma leaves that line as a
    statement of its own (an error the file already had, but one this suggestion was to end)."""
    fake.tokens = (answer + "\n",)
    engine = await engine_for(fake, tmp_path)
    offset = CONTINUED.index("linseg ") + len("linseg ")
    assert await suggest(engine, CONTINUED, offset) == shown


async def test_an_if_completed_without_its_goto_is_not_shown(fake: FakeOllama, tmp_path: Path) -> None:
    """`if kx < kLimit` with no `goto`/`then` still does not parse: the unfinished line had a parse
    error too, but a suggestion that leaves one on the line it completes is not shown."""
    text = HEADER + "instr 1\n  kx = 1\n  kLimit = 2\n  if kx \n  kx = kLimit\nskip:\n  printk2 kx\nendin\n"
    fake.tokens = ("< kLimit\n",)
    engine = await engine_for(fake, tmp_path)
    offset = text.index("if kx ") + len("if kx ")
    assert await suggest(engine, text, offset) == []
    fake.tokens = ("< kLimit kgoto skip\n",)
    engine = await engine_for(fake, tmp_path)
    assert await suggest(engine, text, offset) == ["< kLimit kgoto skip"]
