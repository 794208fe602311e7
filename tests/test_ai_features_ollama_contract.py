"""The AI features against a real Ollama: runs when `OLLAMA_HOST` is set, skipped otherwise.

Models come from the usual settings (CSOUND_LSP_AI_MODEL, CSOUND_LSP_AI_COMPLETION_MODEL,
CSOUND_LSP_AI_CHAT_MODEL); small ones keep this quick, for example:
    OLLAMA_HOST=127.0.0.1:11434 CSOUND_LSP_AI_MODEL=qwen2.5-coder:0.5b-base \\
        pytest tests/test_ai_features_ollama_contract.py
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from lsprotocol import types

from csound_lsp.ai import AIService, ModelNotFound, parse_ai_settings
from csound_lsp.ai.ailog import AILog, read_records
from csound_lsp.ai.assistant import explain, generate
from csound_lsp.ai.grounding import Retriever
from tests.ai_lsp_helpers import CURSOR, ORC_DOC, ai_server, inline_params, open_doc

pytestmark = [
    pytest.mark.timeout(600),
    pytest.mark.skipif(not os.environ.get("OLLAMA_HOST"), reason="OLLAMA_HOST is not set: no real Ollama"),
]

URI = "file:///tmp/ai-ollama/piece.csd"


@pytest.fixture
async def service() -> AsyncIterator[AIService]:
    settings, problems = parse_ai_settings(None)
    assert not problems and settings.backend == "ollama"
    ai = AIService(settings)
    yield ai
    await ai.aclose()


async def test_inline_completion_through_the_server(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key.startswith(("CSOUND_LSP_AI_", "OLLAMA"))}
    async with ai_server(env, tmp_path) as client:
        await open_doc(client, URI, ORC_DOC)
        result = await client.text_document_inline_completion_async(inline_params(URI, CURSOR))
        assert isinstance(result, types.InlineCompletionList)
    (record,) = [r for r in read_records(tmp_path) if r["kind"] == "inline"]
    if record["error"] == "ModelNotFound":
        pytest.skip(f"the completion model {record['model']} is not pulled")
    assert record["error"] is None and record["timings"]["first_token_ms"] is not None


async def test_explain_and_generate(service: AIService, tmp_path: Path) -> None:
    try:
        explained = await explain(
            "aSig oscili 0.5, 440", path=None, service=service, retriever=Retriever(None), log=AILog(tmp_path)
        )
    except ModelNotFound as error:
        pytest.skip(str(error))
    assert "`oscili`" in explained.markdown and explained.comments.startswith(";")
    made = await generate(
        "a short plucked string",
        service=service,
        max_attempts=2,
        retriever=Retriever(None),
        log=AILog(tmp_path),
    )
    assert 1 <= len(made.attempts) <= 2
    assert not made.validated or "instr" in made.code
