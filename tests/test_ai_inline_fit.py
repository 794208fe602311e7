"""Inline completion that fits the moment, against the fake Ollama through the real InlineEngine:
one line mid-line, a block on a blank line cut at its end and at a repeat, nothing shown that adds an
error, and the code after the cursor reaching a model that has no fill-in-the-middle format."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from csound_lsp.ai.ailog import AILog
from csound_lsp.ai.grounding import Retrieval
from csound_lsp.ai.inline import InlineEngine
from csound_lsp.ai.service import AIService
from csound_lsp.ai.settings import parse_ai_settings
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
    fake.tokens = ("0.3, 440\n",)
    engine = await engine_for(fake, tmp_path, model="mystery-model:1b")  # no insert, no FIM tokens
    offset = MID_LINE.index("oscili ") + len("oscili ")
    assert await suggest(engine, MID_LINE, offset) == ["0.3, 440"]
    body = fake.requests_to("/api/generate")[-1].body
    assert body.get("raw") is True and "suffix" not in body
    prompt = body["prompt"]
    assert "; the code after the cursor's line:\n;     outs aSig, aSig" in prompt
    assert prompt.endswith("aSig oscili ")
