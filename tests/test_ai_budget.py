"""Prompt budgets against the fake Ollama: the model's real window learned from the server (and
`ai.numCtx` overriding it), fix prompts scoped to one item that fit even for a huge file, junk
answers cut off early, and embeddings that refuse to mix models."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from csound_lsp.ai import AIService, MalformedResponse
from csound_lsp.ai.assistant import fix
from csound_lsp.ai.budget import estimate_messages
from csound_lsp.ai.grounding import Retrieval
from csound_lsp.ai.ollama_backend import OllamaBackend
from csound_lsp.ai.openai_backend import OpenAIBackend
from csound_lsp.settings import parse_ai_settings
from tests.fake_ollama import DEFAULT_MODELS, FakeModel, FakeOllama

CHAT = "qwen2.5-coder:7b-instruct"


def service_for(url: str, backend: str = "ollama", **raw: Any) -> AIService:
    settings, problems = parse_ai_settings({"host": url, "backend": backend, **raw}, env={})
    assert not problems
    return AIService(settings)


class NoRetrieval:
    """No index in these tests: retrieval answers nothing (the real Retriever does the same
    when no index is built)."""

    async def search(self, query: str, **_: Any) -> Retrieval:
        return Retrieval()


async def test_ollama_window_comes_from_the_num_ctx_parameter_of_api_show() -> None:
    model = FakeModel(CHAT, capabilities=("completion",), context_length=32768, num_ctx=2048)
    with FakeOllama(models=(model,)) as fake:
        service = service_for(fake.url)
        try:
            budget = await service.budget_tokens("chat", max_tokens=256)
        finally:
            await service.aclose()
    assert budget == 2048 - 256 - 16


async def test_llama_cpp_window_comes_from_props() -> None:
    with FakeOllama() as fake:
        fake.props_n_ctx = 3000
        service = service_for(fake.url, "openai")
        try:
            caps = await service.backend.capabilities(CHAT)
            budget = await service.budget_tokens("chat", max_tokens=1000)
        finally:
            await service.aclose()
    assert caps.num_ctx == 3000
    assert budget == 3000 - 1000 - 16
    assert any(r.path == "/props" for r in fake.requests)


async def test_num_ctx_setting_overrides_what_the_server_says() -> None:
    with FakeOllama() as fake:
        fake.props_n_ctx = 3000
        service = service_for(fake.url, "openai", numCtx=8192)
        try:
            budget = await service.budget_tokens("chat", max_tokens=1000)
        finally:
            await service.aclose()
    assert budget == 8192 - 1000 - 16


def _huge_file(instruments: int) -> str:
    body = "".join(
        f"instr {n}\n  kEnv linseg 0, 0.1, 1, p3 - 0.1, 0\n  aSig oscili 0.2 * kEnv, {100 + n}\n"
        "  outs aSig, aSig\nendin\n\n"
        for n in range(1, instruments + 1)
    )
    broken = body.replace("instr 7\n  kEnv linseg", "instr 7\n  kEnv linsegg", 1)
    return (
        "<CsoundSynthesizer>\n<CsInstruments>\nsr = 48000\nksmps = 32\nnchnls = 2\n0dbfs = 1\n\n"
        f"{broken}</CsInstruments>\n<CsScore>\ni 1 0 1\n</CsScore>\n</CsoundSynthesizer>\n"
    )


async def test_fix_on_a_huge_file_sends_only_the_item_and_fits_a_small_window() -> None:
    text = _huge_file(600)  # tens of thousands of tokens: the whole file could never fit
    answer = "```csound\ninstr 7\n  kEnv linseg 0, 0.1, 1, p3 - 0.1, 0\n  aSig oscili 0.2 * kEnv, 107\n"
    answer += "  outs aSig, aSig\nendin\n```\n"
    with FakeOllama(tokens=tuple(answer.splitlines(keepends=True))) as fake:
        service = service_for(fake.url, numCtx=2048)
        try:
            result = await fix(text, path=None, service=service, retriever=NoRetrieval())  # type: ignore[arg-type]
        finally:
            await service.aclose()
    assert result.new_text is not None, result.attempts
    assert "linsegg" not in result.new_text and result.new_text.count("instr ") == 600
    sent = fake.requests_to("/api/chat")[0].body["messages"]
    content = sent[-1]["content"]
    assert "instr 7" in content and "instr 8" not in content and "instr 6\n" not in content
    assert "sr = 48000" in content  # the header comes along
    assert "linsegg" in content  # the error, in words
    answer_room = fake.requests_to("/api/chat")[0].body["options"]["num_predict"]
    assert 256 <= answer_room < 1200  # sized to the item, which leaves the prompt more room
    assert estimate_messages(m["content"] for m in sent) + answer_room <= 2048 - 16


async def test_fix_stops_reading_an_answer_that_repeats_a_code_fence() -> None:
    text = _huge_file(10)
    junk = "```csound\n" * 200
    with FakeOllama(tokens=tuple(junk.splitlines(keepends=True)), token_delay=0.02) as fake:
        service = service_for(fake.url)
        try:
            result = await fix(
                text,
                path=None,
                service=service,
                retriever=NoRetrieval(),
                max_attempts=1,  # type: ignore[arg-type]
            )
            assert fake.wait_disconnected(fake.requests_to("/api/chat")[0])  # cut off, not run to the cap
        finally:
            await service.aclose()
    assert result.new_text is None
    assert any("code fence" in attempt for attempt in result.attempts)


async def test_fix_stops_at_its_time_limit_with_what_it_learned() -> None:
    text = _huge_file(10)
    with FakeOllama(
        tokens=tuple("  k1 = 1\n" if n % 2 else "  k2 = 2\n" for n in range(400)), token_delay=0.05
    ) as fake:
        service = service_for(fake.url)
        try:
            result = await asyncio.wait_for(
                fix(text, path=None, service=service, retriever=NoRetrieval(), time_limit_s=1.0),  # type: ignore[arg-type]
                timeout=30,
            )
        finally:
            await service.aclose()
    assert result.new_text is None
    assert any("time limit" in attempt for attempt in result.attempts)
    assert result.remaining_errors and "linsegg" in " ".join(result.remaining_errors)


@pytest.mark.parametrize("backend_kind", ["ollama", "openai"])
async def test_embeddings_record_the_served_model_and_refuse_a_switch(backend_kind: str) -> None:
    with FakeOllama(models=DEFAULT_MODELS) as fake:
        settings, _ = parse_ai_settings(
            {"host": fake.url, "backend": backend_kind, "models": {"embedding": "nomic-embed-text"}}, env={}
        )
        backend = OpenAIBackend(settings) if backend_kind == "openai" else OllamaBackend(settings)
        service = AIService(settings, backend=backend)
        try:
            fake.served_embedding_model = "bge-small-en"  # a server that ignores the name asked for
            await service.embed(["a sine"])
            info = service.embedding_info()
            assert info is not None and info.model == "bge-small-en" and info.dimensions == 8
            assert info.requested == "nomic-embed-text"
            assert "bge-small-en" in info.mismatch("nomic-embed-text", 8)
            fake.served_embedding_length = 16
            with pytest.raises(MalformedResponse, match="refusing to mix"):
                await service.embed(["a saw"])
        finally:
            await service.aclose()
