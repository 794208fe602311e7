"""The AI backends against a fake Ollama (tests/fake_ollama.py): protocol, FIM rules, faults, cancellation.

Every test is bounded by `asyncio.timeout`, so a hang fails the test instead of stalling the suite.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from typing import Any

import pytest

from csound_lsp.ai import (
    AIError,
    AIService,
    AISettings,
    AITimeout,
    BackendError,
    BackendUnavailable,
    BackendUnreachable,
    ChatMessage,
    ConnectionDropped,
    ContextTooLong,
    GenerationSuperseded,
    MalformedResponse,
    ModelNotFound,
    OllamaBackend,
    OpenAIBackend,
    TextStream,
    estimate_tokens,
    parse_ai_settings,
)
from csound_lsp.ai.base import Backend
from csound_lsp.settings import AITimeouts
from tests.fake_ollama import FakeModel, FakeOllama

pytestmark = pytest.mark.timeout(60)

AnyBackend = OllamaBackend | OpenAIBackend

LIMIT = 15.0
BASE = "qwen2.5-coder:1.5b-base"
INSTRUCT = "qwen2.5-coder:7b-instruct"
CODELLAMA = "codellama:7b-code"
MYSTERY = "mystery-model:1b"
EXPECTED = "instr 1\n  aout oscili 0.5, 440"


@pytest.fixture
def fake() -> Iterator[FakeOllama]:
    with FakeOllama() as server:
        yield server


def settings_for(url: str, backend: str = "ollama", **changes: Any) -> AISettings:
    settings, problems = parse_ai_settings({"host": url, "backend": backend}, env={})
    assert problems == []
    timeouts = changes.pop("timeouts", None)
    if timeouts is not None:
        settings = replace(settings, timeouts=timeouts)
    return replace(settings, **changes)


def make_backend(url: str, backend: str = "ollama", **changes: Any) -> AnyBackend:
    settings = settings_for(url, backend, **changes)
    return OpenAIBackend(settings) if backend == "openai" else OllamaBackend(settings)


@pytest.fixture(params=["ollama", "openai"])
async def backend(request: pytest.FixtureRequest, fake: FakeOllama) -> AsyncIterator[AnyBackend]:
    made = make_backend(fake.url, request.param)
    yield made
    await made.aclose()


@pytest.fixture
async def ollama(fake: FakeOllama) -> AsyncIterator[AnyBackend]:
    made = make_backend(fake.url)
    yield made
    await made.aclose()


def generation_requests(fake: FakeOllama) -> list[Any]:
    return [r for r in fake.requests if r.path in ("/api/generate", "/v1/completions")]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def collect(stream: TextStream) -> list[str]:
    async with asyncio.timeout(LIMIT), stream:
        return [chunk async for chunk in stream]


async def failure(stream: TextStream) -> tuple[list[str], AIError]:
    """The chunks that arrived and the error that ended the stream."""
    chunks: list[str] = []
    async with asyncio.timeout(LIMIT), stream:
        with pytest.raises(AIError) as caught:
            async for chunk in stream:
                chunks.append(chunk)
    return chunks, caught.value


async def wait_for(event: threading.Event) -> bool:
    return await asyncio.to_thread(event.wait, 5.0)


# -- fill in the middle against Ollama --


async def test_insert_model_gets_a_non_empty_suffix(fake: FakeOllama, ollama: AnyBackend) -> None:
    stream = ollama.stream_complete("instr 1\n", "endin\n", model=BASE)
    assert "".join(await collect(stream)) == EXPECTED
    (request,) = fake.requests_to("/api/generate")
    assert request.body["prompt"] == "instr 1\n"
    assert request.body["suffix"] == "endin\n"
    assert "raw" not in request.body
    assert request.body["keep_alive"] == "30m"
    assert request.body["options"]["num_ctx"] == 4096
    assert request.body["options"]["num_predict"] == 128
    assert stream.stats.fim_mode == "insert"
    assert stream.stats.done_reason == "stop" and stream.stats.completion_tokens == 8


async def test_empty_suffix_is_never_sent(fake: FakeOllama, ollama: AnyBackend) -> None:
    await collect(ollama.stream_complete("instr 1\n", "", model=BASE))
    (request,) = fake.requests_to("/api/generate")
    assert "suffix" not in request.body
    assert request.body["raw"] is True
    assert request.body["prompt"] == "<|fim_prefix|>instr 1\n<|fim_suffix|><|fim_middle|>"


async def test_model_without_insert_gets_raw_fim_tokens(fake: FakeOllama, ollama: AnyBackend) -> None:
    stream = ollama.stream_complete("instr 1\n", "endin\n", model=CODELLAMA, stop=["\n\n"])
    assert "".join(await collect(stream)) == EXPECTED
    (request,) = fake.requests_to("/api/generate")
    assert "suffix" not in request.body
    assert request.body["raw"] is True
    assert request.body["prompt"] == "<PRE> instr 1\n <SUF>endin\n <MID>"
    assert request.body["options"]["stop"][0] == "\n\n" and "<EOT>" in request.body["options"]["stop"]
    assert stream.stats.fim_mode == "raw-fim"


async def test_does_not_support_insert_falls_back_to_raw(fake: FakeOllama, ollama: AnyBackend) -> None:
    fake.add_fault(
        "http_error",
        path="/api/generate",
        status=400,
        message=f"registry.ollama.ai/library/{BASE} does not support insert",
    )
    stream = ollama.stream_complete("instr 1\n", "endin\n", model=BASE)
    assert "".join(await collect(stream)) == EXPECTED
    first, second = fake.requests_to("/api/generate")
    assert first.body["suffix"] == "endin\n"
    assert "suffix" not in second.body and second.body["raw"] is True
    assert second.body["prompt"].startswith("<|fim_prefix|>instr 1\n<|fim_suffix|>endin\n")
    # The capability is remembered: the next completion goes raw at once.
    await collect(ollama.stream_complete("a", "b", model=BASE))
    assert len(fake.requests_to("/api/generate")) == 3
    assert fake.requests_to("/api/generate")[2].body["raw"] is True


async def test_unknown_family_without_insert_completes_the_prefix(
    fake: FakeOllama, ollama: AnyBackend
) -> None:
    stream = ollama.stream_complete("instr 1\n", "endin\n", model=MYSTERY)
    await collect(stream)
    (request,) = fake.requests_to("/api/generate")
    assert request.body["prompt"] == "instr 1\n" and request.body["raw"] is True
    assert "suffix" not in request.body
    assert stream.stats.fim_mode == "prefix-only"


async def test_num_ctx_is_capped_by_the_model_and_the_prompt_trimmed_to_fit() -> None:
    small = FakeModel("qwen2.5-coder:0.5b-base", capabilities=("completion", "insert"), context_length=512)
    with FakeOllama(models=(small,)) as fake:
        backend = make_backend(fake.url, num_ctx=8192)
        try:
            budget = await backend.budget_tokens(small.name, max_tokens=64)
            assert 0 < budget < 512 - 64
            prefix = "".join(f"i 1 {n} 0.25 0.3 {440 + n}\n" for n in range(400))
            suffix = "".join(f"i 2 {n} 1 0.1\n" for n in range(400))
            stream = backend.stream_complete(prefix, suffix, model=small.name, max_tokens=64)
            await collect(stream)
        finally:
            await backend.aclose()
    (request,) = fake.requests_to("/api/generate")
    assert request.body["options"]["num_ctx"] == 512
    sent_prefix, sent_suffix = request.body["prompt"], request.body["suffix"]
    assert stream.stats.trimmed
    assert prefix.endswith(sent_prefix) and suffix.startswith(sent_suffix)
    assert sent_prefix.endswith("i 1 399 0.25 0.3 839\n")  # the lines nearest the cursor survive
    assert sent_suffix.startswith("i 2 0 1 0.1\n")
    assert estimate_tokens(sent_prefix) + estimate_tokens(sent_suffix) <= budget


async def test_chat_over_budget_is_refused_before_sending(fake: FakeOllama, backend: AnyBackend) -> None:
    huge = "kenv linseg 0, 0.01, 1, 0.5, 0\n" * 2000
    _, error = await failure(backend.stream_chat([ChatMessage("user", huge)], model=INSTRUCT))
    assert isinstance(error, ContextTooLong)
    assert "ai.numCtx" in str(error)
    assert not fake.requests_to("/api/chat") and not fake.requests_to("/v1/chat/completions")


# -- streaming through both APIs --


async def test_completion_streams_in_order(fake: FakeOllama, backend: AnyBackend) -> None:
    chunks = await collect(backend.stream_complete("instr 1\n", "endin\n", model=BASE))
    assert chunks == list(fake.tokens)


async def test_chat_streams_in_order(fake: FakeOllama, backend: AnyBackend) -> None:
    messages = [ChatMessage("system", "You explain Csound."), ChatMessage("user", "What is oscili?")]
    stream = backend.stream_chat(messages, model=INSTRUCT, temperature=0.0)
    assert await collect(stream) == list(fake.tokens)
    assert stream.stats.done_reason == "stop"
    assert stream.stats.completion_tokens == len(fake.tokens)
    (request,) = [r for r in fake.requests if r.path in ("/api/chat", "/v1/chat/completions")]
    assert request.body["messages"][1] == {"role": "user", "content": "What is oscili?"}


async def test_max_tokens_reports_length(fake: FakeOllama, backend: AnyBackend) -> None:
    stream = backend.stream_complete("instr 1\n", "endin\n", model=BASE, max_tokens=3)
    assert await collect(stream) == list(fake.tokens[:3])
    assert stream.stats.done_reason == "length"


async def test_openai_completion_writes_fim_tokens(fake: FakeOllama) -> None:
    backend = make_backend(fake.url, "openai")
    try:
        await collect(backend.stream_complete("instr 1\n", "endin\n", model=BASE, stop=["\n\n"]))
    finally:
        await backend.aclose()
    (request,) = fake.requests_to("/v1/completions")
    assert request.body["prompt"] == "<|fim_prefix|>instr 1\n<|fim_suffix|>endin\n<|fim_middle|>"
    assert request.body["stream"] is True and request.body["max_tokens"] == 128
    assert request.body["stop"][0] == "\n\n" and "<|endoftext|>" in request.body["stop"]


async def test_embeddings_use_nomic_prefixes(fake: FakeOllama, backend: AnyBackend) -> None:
    async with asyncio.timeout(LIMIT):
        documents = await backend.embed(["oscili", "moogladder", "reverbsc"], model="nomic-embed-text")
        (query,) = await backend.embed(["a resonant filter"], model="nomic-embed-text", kind="query")
        assert await backend.embed([], model="nomic-embed-text") == []
    assert len(documents) == 3 and len({len(v) for v in [*documents, query]}) == 1
    assert documents[0] != documents[1]
    first, second = [r for r in fake.requests if r.path in ("/api/embed", "/v1/embeddings")]
    assert first.body["input"] == [f"search_document: {w}" for w in ("oscili", "moogladder", "reverbsc")]
    assert second.body["input"] == ["search_query: a resonant filter"]


async def test_embeddings_of_other_models_have_no_prefix(fake: FakeOllama, ollama: AnyBackend) -> None:
    fake.models["all-minilm"] = FakeModel("all-minilm", capabilities=("embedding",))
    async with asyncio.timeout(LIMIT):
        await ollama.embed(["oscili"], model="all-minilm", kind="query")
    assert fake.requests_to("/api/embed")[0].body["input"] == ["oscili"]


async def test_openai_embeddings_come_back_in_input_order(fake: FakeOllama) -> None:
    ollama_backend = make_backend(fake.url)
    openai_backend = make_backend(fake.url, "openai")
    try:
        async with asyncio.timeout(LIMIT):
            native = await ollama_backend.embed(["a", "b", "c"], model="nomic-embed-text")
            compatible = await openai_backend.embed(["a", "b", "c"], model="nomic-embed-text")
    finally:
        await ollama_backend.aclose()
        await openai_backend.aclose()
    assert native == compatible  # the fake answers /v1/embeddings in reverse index order


async def test_embedding_with_a_chat_model_says_so(ollama: AnyBackend) -> None:
    with pytest.raises(AIError, match="cannot make embeddings"):
        async with asyncio.timeout(LIMIT):
            await ollama.embed(["x"], model=INSTRUCT)


async def test_models_capabilities_and_health(fake: FakeOllama, backend: AnyBackend) -> None:
    async with asyncio.timeout(LIMIT):
        names = {model.name for model in await backend.models()}
        caps = await backend.capabilities(CODELLAMA)
        health = await backend.health()
    assert BASE in names and "nomic-embed-text:latest" in names
    assert caps.fim is not None and caps.fim.family == "codellama"
    assert health.ok and health.error is None
    if backend.kind == "ollama":
        assert health.version == fake.version
        assert caps.context_length == 32768 and caps.insert is False
        assert (await backend.capabilities(BASE)).insert is True


# -- faults --


async def test_unreachable_host_has_a_clear_message() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    for kind in ("ollama", "openai"):
        backend = make_backend(url, kind)
        try:
            _, error = await failure(backend.stream_complete("a", "b", model=BASE))
            health = await asyncio.wait_for(backend.health(), LIMIT)
        finally:
            await backend.aclose()
        assert isinstance(error, BackendUnreachable)
        assert f"No AI backend at {url}" in str(error)
        assert "CSOUND_LSP_AI_HOST" in str(error)
        assert ("ollama serve" in str(error)) == (kind == "ollama")
        assert not health.ok and isinstance(health.error, BackendUnreachable)


async def test_model_not_pulled(backend: AnyBackend) -> None:
    _, error = await failure(backend.stream_complete("a", "b", model="qwen2.5-coder:32b"))
    assert isinstance(error, ModelNotFound)
    assert str(error) == "AI model qwen2.5-coder:32b is not pulled: run `ollama pull qwen2.5-coder:32b`"
    with pytest.raises(ModelNotFound):
        async with asyncio.timeout(LIMIT):
            await backend.embed(["x"], model="not-here")


async def test_error_line_mid_stream(fake: FakeOllama, backend: AnyBackend) -> None:
    fake.add_fault("error_midstream", after=2, message="CUDA error: out of memory")
    chunks, error = await failure(backend.stream_chat([ChatMessage("user", "hi")], model=INSTRUCT))
    assert chunks == list(fake.tokens[:2])
    assert isinstance(error, BackendError)
    assert "stopped mid-answer" in str(error) and "CUDA error: out of memory" in str(error)


async def test_http_error_status(fake: FakeOllama, backend: AnyBackend) -> None:
    fake.add_fault("http_error", status=500, message="llama runner process has terminated")
    _, error = await failure(backend.stream_complete("a", "b", model=BASE))
    assert isinstance(error, BackendError) and error.status == 500
    assert "llama runner process has terminated" in str(error)


async def test_slow_first_token_times_out_and_hangs_up(fake: FakeOllama) -> None:
    fake.add_fault("slow_first_token", delay=10.0)
    for kind in ("ollama", "openai"):
        timeouts = AITimeouts(connect_s=2.0, first_token_s=0.4, stall_s=0.4, total_s=30.0)
        backend = make_backend(fake.url, kind, timeouts=timeouts)
        try:
            _, error = await failure(backend.stream_complete("a", "b", model=CODELLAMA))
        finally:
            await backend.aclose()
        assert isinstance(error, AITimeout) and error.phase == "first-token"
        assert "gave no first token within 0.4 s" in str(error)
        if kind == "ollama":
            fake.add_fault("slow_first_token", delay=10.0)
    for request in generation_requests(fake):
        assert await wait_for(request.disconnected)


async def test_stall_after_first_token(fake: FakeOllama, backend: AnyBackend) -> None:
    fast = AITimeouts(connect_s=2.0, first_token_s=0.5, stall_s=0.5, total_s=30.0)
    stalled = make_backend(fake.url, backend.kind, timeouts=fast)
    fake.add_fault("stall", after=2, delay=10.0)
    try:
        chunks, error = await failure(stalled.stream_complete("a", "b", model=BASE))
    finally:
        await stalled.aclose()
    assert chunks == list(fake.tokens[:2])
    assert isinstance(error, AITimeout) and error.phase == "stall"


async def test_total_timeout(fake: FakeOllama) -> None:
    fake.token_delay = 0.2
    timeouts = AITimeouts(connect_s=2.0, first_token_s=5.0, stall_s=5.0, total_s=0.5)
    backend = make_backend(fake.url, timeouts=timeouts)
    try:
        chunks, error = await failure(backend.stream_complete("a", "b", model=BASE))
    finally:
        await backend.aclose()
    assert 0 < len(chunks) < len(fake.tokens)
    assert isinstance(error, AITimeout) and error.phase == "total"
    assert await wait_for(fake.requests_to("/api/generate")[0].disconnected)


@pytest.mark.parametrize("fault", ["drop", "no_done"])
async def test_dropped_connection(fake: FakeOllama, backend: AnyBackend, fault: Any) -> None:
    fake.add_fault(fault, after=3)
    chunks, error = await failure(backend.stream_complete("a", "b", model=BASE))
    assert chunks == list(fake.tokens[: 3 if fault == "drop" else None])
    assert isinstance(error, ConnectionDropped)
    assert fake.url in str(error)


async def test_garbage_bytes(fake: FakeOllama, backend: AnyBackend) -> None:
    fake.add_fault("garbage", after=1)
    chunks, error = await failure(backend.stream_chat([ChatMessage("user", "hi")], model=INSTRUCT))
    assert chunks == list(fake.tokens[:1])
    assert isinstance(error, MalformedResponse)


async def test_a_server_that_is_not_an_ai_backend() -> None:
    """Something else on the port: raw garbage and a closed socket, for every call."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            with conn:
                conn.recv(65536)
                conn.sendall(b"\x00\xff\xfeSSH-2.0-OpenSSH_9.2\r\n\x89PNG garbage")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    try:
        for kind in ("ollama", "openai"):
            backend = make_backend(url, kind)
            try:
                _, error = await failure(backend.stream_complete("a", "b", model=BASE))
                assert str(error)
                health = await asyncio.wait_for(backend.health(), LIMIT)
                assert not health.ok and health.error is not None and str(health.error)
                with pytest.raises(AIError):
                    await asyncio.wait_for(backend.embed(["x"], model="nomic-embed-text"), LIMIT)
            finally:
                await backend.aclose()
    finally:
        stop.set()
        thread.join(5)
        listener.close()


# -- cancellation and single flight --


async def test_cancelling_the_consumer_closes_the_http_stream(fake: FakeOllama, backend: AnyBackend) -> None:
    fake.tokens = tuple(f" t{n}" for n in range(500))
    fake.token_delay = 0.02
    stream = backend.stream_complete("a", "b", model=BASE)
    first = asyncio.Event()

    async def consume() -> None:
        async for _ in stream:
            first.set()

    task = asyncio.create_task(consume())
    async with asyncio.timeout(LIMIT):
        await first.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        with pytest.raises(StopAsyncIteration):  # over, not waiting forever
            await anext(stream)
    (request,) = generation_requests(fake)
    assert await wait_for(request.disconnected)
    assert not request.finished.is_set() or request.disconnected.is_set()


async def test_leaving_async_with_early_closes_the_stream(fake: FakeOllama, backend: AnyBackend) -> None:
    fake.tokens = tuple(f" t{n}" for n in range(500))
    fake.token_delay = 0.02
    async with asyncio.timeout(LIMIT), backend.stream_chat([ChatMessage("user", "x")], model=INSTRUCT) as s:
        async for _ in s:
            break
    (request,) = [r for r in fake.requests if r.path in ("/api/chat", "/v1/chat/completions")]
    assert await wait_for(request.disconnected)
    assert not s.running


async def test_newer_request_supersedes_the_older(fake: FakeOllama, backend: AnyBackend) -> None:
    fake.tokens = tuple(f" t{n}" for n in range(200))
    fake.token_delay = 0.02
    older = backend.stream_complete("a", "b", model=BASE)
    async with asyncio.timeout(LIMIT):
        assert await anext(older) == " t0"
        newer = backend.stream_complete("ab", "b", model=BASE, max_tokens=5)
        assert await collect(newer) == [f" t{n}" for n in range(5)]
        with pytest.raises(GenerationSuperseded) as caught:
            await anext(older)
        await older.aclose()
    assert caught.value.notify is False
    old_request = generation_requests(fake)[0]
    assert await wait_for(old_request.disconnected)


async def test_lanes_do_not_supersede_each_other(fake: FakeOllama, backend: AnyBackend) -> None:
    fake.token_delay = 0.01
    completion = backend.stream_complete("a", "b", model=BASE)
    chat = backend.stream_chat([ChatMessage("user", "x")], model=INSTRUCT)
    async with asyncio.timeout(LIMIT):
        assert await anext(completion) == fake.tokens[0]
        results = await asyncio.gather(collect(completion), collect(chat))
    assert list(results) == [list(fake.tokens[1:]), list(fake.tokens)]


async def test_many_keystrokes_leave_one_generation(fake: FakeOllama, ollama: AnyBackend) -> None:
    fake.tokens = tuple(f" t{n}" for n in range(100))
    fake.token_delay = 0.02
    streams = [
        ollama.stream_complete("x" * n, "y", model=BASE, max_tokens=3 if n == 5 else 100) for n in range(1, 6)
    ]
    async with asyncio.timeout(LIMIT):
        for stream in streams[:-1]:
            await anext(stream)
        last = await collect(streams[-1])
        for stream in streams[:-1]:
            with pytest.raises(GenerationSuperseded):
                await anext(stream)
    assert last == [" t0", " t1", " t2"]
    for request in fake.requests_to("/api/generate")[:-1]:
        assert await wait_for(request.disconnected)


# -- health cache and notices --


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_dead_backend_is_reported_once_and_answered_fast() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    notices: list[str] = []
    clock = Clock()
    service = AIService(settings_for(url), on_notice=notices.append, clock=clock)
    try:
        async with asyncio.timeout(LIMIT):
            for _ in range(20):  # twenty keystrokes
                with pytest.raises(BackendUnreachable):
                    await service.complete("instr 1\n", "")
            assert service.health.checks == 1
            clock.now += service.settings.health_ttl_s + 1
            with pytest.raises(BackendUnreachable):
                await service.complete("instr 1\n", "")
            assert service.health.checks == 2
    finally:
        await service.aclose()
    assert len(notices) == 1
    assert notices[0].startswith(f"No AI backend at {url}: start Ollama (`ollama serve`)")


async def test_backend_that_dies_mid_session_is_noticed(fake: FakeOllama) -> None:
    notices: list[str] = []
    service = AIService(settings_for(fake.url), on_notice=notices.append)
    try:
        async with asyncio.timeout(LIMIT):
            assert "".join(await collect(await service.complete("instr 1\n", "endin\n"))) == EXPECTED
            for _ in range(3):
                fake.add_fault("http_error", status=404, message='model "x" not found, try pulling it first')
                with pytest.raises(ModelNotFound):
                    await collect(await service.complete("instr 1\n", "endin\n"))
            assert len(notices) == 1 and "ollama pull qwen2.5-coder:1.5b-base" in notices[0]
            assert service.health.down is None  # a missing model is not a dead server
            vectors = await service.embed(["a"], kind="query")
            assert len(vectors) == 1
    finally:
        await service.aclose()


async def test_disabled_ai_says_nothing() -> None:
    notices: list[str] = []
    service = AIService(replace(AISettings(), enabled=False), on_notice=notices.append)
    try:
        with pytest.raises(BackendUnavailable):
            await asyncio.wait_for(service.complete("a", "b"), LIMIT)
    finally:
        await service.aclose()
    assert notices == []


async def test_reconfigure_switches_backend(fake: FakeOllama) -> None:
    service = AIService(settings_for(f"http://127.0.0.1:{free_port()}"))
    try:
        with pytest.raises(BackendUnreachable):
            await asyncio.wait_for(service.complete("a", "b"), LIMIT)
        await service.reconfigure(settings_for(fake.url, "openai"))
        assert isinstance(service.backend, OpenAIBackend)
        chunks = await collect(await service.complete("instr 1\n", "endin\n"))
        assert "".join(chunks) == EXPECTED
        health = await asyncio.wait_for(service.check(), LIMIT)
        assert health.ok
    finally:
        await service.aclose()


async def test_backends_satisfy_the_protocol() -> None:
    settings = AISettings()
    backends: list[Backend] = [OllamaBackend(settings), OpenAIBackend(settings)]
    assert [b.kind for b in backends] == ["ollama", "openai"]
    for backend in backends:
        await backend.aclose()
