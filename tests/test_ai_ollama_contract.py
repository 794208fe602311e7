"""The Ollama backend against a real Ollama: runs when `OLLAMA_HOST` is set, skipped otherwise.

Models come from the usual settings (CSOUND_LSP_AI_MODEL, CSOUND_LSP_AI_COMPLETION_MODEL,
CSOUND_LSP_AI_CHAT_MODEL, CSOUND_LSP_EMBED_MODEL, or the defaults); a model that is not pulled skips
its tests with the `ollama pull` line to run. Small models keep this quick, for example:
    OLLAMA_HOST=127.0.0.1:11434 CSOUND_LSP_AI_MODEL=qwen2.5-coder:0.5b-base \
        pytest tests/test_ai_ollama_contract.py
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from csound_lsp.ai import (
    AISettings,
    ChatMessage,
    GenerationSuperseded,
    ModelNotFound,
    OllamaBackend,
    TextStream,
    parse_ai_settings,
)

pytestmark = [
    pytest.mark.timeout(600),
    pytest.mark.skipif(not os.environ.get("OLLAMA_HOST"), reason="OLLAMA_HOST is not set: no real Ollama"),
]

#: Generous: the first request loads the model from disk.
LIMIT = 300.0


@pytest.fixture
def settings() -> AISettings:
    parsed, problems = parse_ai_settings(None)
    assert problems == []
    return parsed


@pytest.fixture
async def backend(settings: AISettings) -> AsyncIterator[OllamaBackend]:
    made = OllamaBackend(settings)
    health = await asyncio.wait_for(made.health(), 30)
    if not health.ok:
        await made.aclose()
        pytest.skip(str(health.error))
    yield made
    await made.aclose()


async def require(backend: OllamaBackend, model: str) -> None:
    try:
        await asyncio.wait_for(backend.capabilities(model), 30)
    except ModelNotFound as error:
        pytest.skip(str(error))


async def collect(stream: TextStream) -> list[str]:
    async with asyncio.timeout(LIMIT), stream:
        return [chunk async for chunk in stream]


async def test_health_and_models(backend: OllamaBackend) -> None:
    health = await asyncio.wait_for(backend.health(), 30)
    assert health.ok and health.version
    assert isinstance(await asyncio.wait_for(backend.models(), 30), list)


async def test_fill_in_the_middle(backend: OllamaBackend, settings: AISettings) -> None:
    model = settings.models.completion
    await require(backend, model)
    caps = await backend.capabilities(model)
    prefix = "instr 1\n  kenv linseg 0, 0.01, 1, 0.5, 0\n  aout oscili kenv * 0.3, "
    stream = backend.stream_complete(prefix, "\n  outs aout, aout\nendin\n", model=model, max_tokens=16)
    chunks = await collect(stream)
    assert "".join(chunks)
    assert stream.stats.done_reason in ("stop", "length")
    assert stream.stats.fim_mode == ("insert" if caps.insert else "raw-fim" if caps.fim else "prefix-only")
    assert stream.stats.prompt_tokens and stream.stats.prompt_tokens > 10


async def test_completion_at_end_of_file(backend: OllamaBackend, settings: AISettings) -> None:
    model = settings.models.completion
    await require(backend, model)
    stream = backend.stream_complete("instr 1\n  aout oscili 0.5, ", "", model=model, max_tokens=8)
    assert await collect(stream)


async def test_raw_fim_tokens_work_too(backend: OllamaBackend, settings: AISettings) -> None:
    """The fallback path, forced: the model's own FIM tokens through `raw: true`."""
    model = settings.models.completion
    await require(backend, model)
    caps = await backend.capabilities(model)
    if caps.fim is None:
        pytest.skip(f"no FIM format known for {model}")
    backend._capabilities[model] = replace(caps, insert=False)
    stream = backend.stream_complete("instr 1\n  aout oscili 0.5, ", "\nendin\n", model=model, max_tokens=8)
    assert await collect(stream)
    assert stream.stats.fim_mode == "raw-fim"


async def test_chat(backend: OllamaBackend, settings: AISettings) -> None:
    model = settings.models.chat
    await require(backend, model)
    messages = [ChatMessage("user", "In one short sentence: what does the Csound opcode oscili do?")]
    stream = backend.stream_chat(messages, model=model, max_tokens=48)
    assert "".join(await collect(stream)).strip()
    assert stream.stats.done_reason in ("stop", "length")


async def test_cancel_and_supersede(backend: OllamaBackend, settings: AISettings) -> None:
    model = settings.models.completion
    await require(backend, model)
    older = backend.stream_complete("; a long list of Csound opcodes\n", "", model=model, max_tokens=400)
    async with asyncio.timeout(LIMIT):
        await anext(older)
        newer = backend.stream_complete("instr 1\n", "", model=model, max_tokens=4)
        assert await collect(newer)
        with pytest.raises(GenerationSuperseded):
            await anext(older)
        await older.aclose()


async def test_embeddings(backend: OllamaBackend, settings: AISettings) -> None:
    model = settings.models.embedding
    await require(backend, model)
    async with asyncio.timeout(LIMIT):
        documents = await backend.embed(["oscili", "moogladder", "reverbsc"], model=model)
        (query,) = await backend.embed(["a resonant filter"], model=model, kind="query")
    assert len(documents) == 3 and len({len(v) for v in [*documents, query]}) == 1
