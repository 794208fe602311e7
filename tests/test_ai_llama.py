"""The OpenAI-compatible backend against a real model: llama.cpp's llama-server with Gemma 3 270M,
started from `../shared/tools/llama-server` (see ../shared/README.md).

The model is tiny, so these tests check the plumbing (real tokens, real SSE, real cancellation, real
vectors), never the quality of the answers.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from csound_lsp.ai import (
    AIService,
    AISettings,
    BackendError,
    ChatMessage,
    ContextTooLong,
    GenerationSuperseded,
    OpenAIBackend,
    TextStream,
    parse_ai_settings,
)

pytestmark = pytest.mark.timeout(300)

TOOL = Path(__file__).resolve().parents[1].parent / "shared" / "tools" / "llama-server"
MODEL = "gemma3-270m"
LIMIT = 120.0
#: The first run downloads ~270 MB of model and packages.
START_LIMIT = 600.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def llama_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not TOOL.exists():
        pytest.skip(f"{TOOL} is missing: these tests need ../shared/tools/llama-server")
    port = _free_port()
    log_path = tmp_path_factory.mktemp("llama") / "llama-server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen([str(TOOL), str(port)], stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_LIMIT
        while True:
            if process.poll() is not None:
                tail = log_path.read_text(errors="replace")[-2000:]
                pytest.skip(f"llama-server exited with {process.returncode} before it was ready:\n{tail}")
            try:
                if httpx.get(f"{url}/health", timeout=2.0).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"llama-server was not ready within {START_LIMIT:g} s; see {log_path}")
            time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def llama_settings(url: str) -> AISettings:
    settings, problems = parse_ai_settings({"backend": "openai", "host": url}, env={})
    assert problems == []
    models = replace(settings.models, completion=MODEL, chat=MODEL, embedding=MODEL)
    return replace(settings, models=models)


@pytest.fixture
async def backend(llama_url: str) -> AsyncIterator[OpenAIBackend]:
    made = OpenAIBackend(llama_settings(llama_url))
    yield made
    await made.aclose()


async def collect(stream: TextStream) -> list[str]:
    async with asyncio.timeout(LIMIT), stream:
        return [chunk async for chunk in stream]


async def slots_busy(url: str) -> bool:
    async with httpx.AsyncClient() as client:
        slots = (await client.get(f"{url}/slots", timeout=5.0)).json()
    return any(slot.get("is_processing") for slot in slots)


async def wait_idle(url: str, seconds: float = 30.0) -> bool:
    """True once no slot is generating: the server noticed the client went away."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not await slots_busy(url):
            return True
        await asyncio.sleep(0.1)
    return False


async def test_health_models_and_context(backend: OpenAIBackend) -> None:
    async with asyncio.timeout(LIMIT):
        health = await backend.health()
        names = [model.name for model in await backend.models()]
        caps = await backend.capabilities(MODEL)
        budget = await backend.budget_tokens(MODEL, max_tokens=256)
    assert health.ok, health.error
    assert MODEL in names
    assert caps.num_ctx == 4096  # the tool runs with -c 4096; llama-server reports it in /props
    assert caps.fim is None  # Gemma 3 has no FIM training: completion uses the prefix alone
    assert budget == 4096 - 256 - 16


async def test_completion_streams(backend: OpenAIBackend) -> None:
    prefix = "<CsInstruments>\nsr = 48000\nksmps = 32\n\ninstr 1\n  aout oscili 0.5, "
    stream = backend.stream_complete(prefix, "\nendin\n", model=MODEL, max_tokens=8, temperature=0.0)
    chunks = await collect(stream)
    assert chunks and all(isinstance(chunk, str) and chunk for chunk in chunks)
    assert stream.stats.chunks == len(chunks)
    assert stream.stats.done_reason in ("length", "stop")
    assert stream.stats.fim_mode == "prefix-only"
    assert stream.stats.prompt_tokens is not None and stream.stats.prompt_tokens > 10


async def test_chat_streams(backend: OpenAIBackend) -> None:
    messages = [ChatMessage("user", "Name one Csound opcode that makes a sine wave.")]
    stream = backend.stream_chat(messages, model=MODEL, max_tokens=12, temperature=0.0)
    chunks = await collect(stream)
    assert "".join(chunks).strip()
    assert stream.stats.done_reason in ("length", "stop")
    assert stream.stats.completion_tokens is not None and 0 < stream.stats.completion_tokens <= 12


async def test_cancellation_mid_stream_stops_the_server(llama_url: str, backend: OpenAIBackend) -> None:
    stream = backend.stream_complete(
        "Count from one to one thousand: one, two,", "", model=MODEL, max_tokens=400
    )
    received: list[str] = []

    async def consume() -> None:
        async for chunk in stream:
            received.append(chunk)

    task = asyncio.create_task(consume())
    async with asyncio.timeout(LIMIT):
        while len(received) < 2:
            await asyncio.sleep(0.05)
        assert await slots_busy(llama_url)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert await wait_idle(llama_url)
    assert len(received) < 400


async def test_newer_request_supersedes_older(llama_url: str, backend: OpenAIBackend) -> None:
    older = backend.stream_complete("instr 1\n  a1 oscili", "", model=MODEL, max_tokens=400)
    async with asyncio.timeout(LIMIT):
        await anext(older)
        newer = backend.stream_complete("instr 2\n  a2 vco2", "", model=MODEL, max_tokens=4, temperature=0.0)
        assert await collect(newer)
        with pytest.raises(GenerationSuperseded):
            await anext(older)
        await older.aclose()
        assert await wait_idle(llama_url)


async def test_embeddings_have_one_dimension(backend: OpenAIBackend) -> None:
    texts = ["aout oscili 0.5, 440", "kenv linseg 0, 1, 1", "a resonant low-pass filter"]
    async with asyncio.timeout(LIMIT):
        documents = await backend.embed(texts, model=MODEL)
        (query,) = await backend.embed(["sine oscillator"], model=MODEL, kind="query")
    dims = {len(vector) for vector in [*documents, query]}
    assert len(documents) == 3 and len(dims) == 1 and dims.pop() == 640  # Gemma 3 270M's width
    assert documents[0] != documents[1]
    assert all(any(x != 0.0 for x in vector) for vector in documents)


async def test_embedding_longer_than_the_batch_says_what_to_do(backend: OpenAIBackend) -> None:
    """llama-server embeds each input in one micro-batch (-ub, 512 by default in the tool)."""
    with pytest.raises(BackendError, match="larger -ub"):
        async with asyncio.timeout(LIMIT):
            await backend.embed(["i 1 0 0.25 0.3 440\n" * 60], model=MODEL)


async def test_chat_over_the_window_is_refused(backend: OpenAIBackend) -> None:
    huge = "i 1 0 0.25 0.3 440\n" * 2000
    with pytest.raises(ContextTooLong):
        await collect(backend.stream_chat([ChatMessage("user", huge)], model=MODEL, max_tokens=16))


async def test_service_end_to_end(llama_url: str) -> None:
    notices: list[str] = []
    service = AIService(llama_settings(llama_url), on_notice=notices.append)
    try:
        async with asyncio.timeout(LIMIT):
            text = "".join(await collect(await service.complete("instr 1\n", "", max_tokens=4)))
            vectors = await service.embed(["oscili"], kind="query")
    finally:
        await service.aclose()
    assert text and len(vectors[0]) == 640 and notices == []


def test_tool_runs_one_thread() -> None:
    """Gotcha from ../shared/README.md: 2 threads on these 2-core machines are slower under load."""
    if not TOOL.exists():
        pytest.skip(f"{TOOL} is missing")
    assert " -t 1 " in TOOL.read_text()
    assert os.access(TOOL, os.X_OK)
