"""The AI features end to end against a real model: llama-server with Gemma 3 270M through the
OpenAI-compatible backend (see ../shared/README.md). The model is tiny and its answers poor, so these
tests check the path (streaming, cancellation, validation, structure), never the quality."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types

from csound_lsp.ai import AIService, TextStream, parse_ai_settings
from csound_lsp.ai.ailog import AILog, read_records
from csound_lsp.ai.assistant import explain, fix, generate
from csound_lsp.ai.grounding import Retriever
from csound_lsp.ai.inline import InlineEngine
from csound_lsp.syntax.document import Document
from csound_lsp.syntax.lines import Position
from tests.ai_lsp_helpers import CURSOR, ORC_DOC, ai_server, inline_params, open_doc
from tests.test_ai_llama import MODEL, llama_url  # noqa: F401 - the session fixture that starts llama-server

pytestmark = pytest.mark.timeout(600)

URI = "file:///tmp/ai-llama/piece.csd"


@pytest.fixture(scope="session")
def llama(request: pytest.FixtureRequest) -> str:
    """`CSOUND_LSP_TEST_LLAMA_URL` when a llama-server is already running, else one started here."""
    import os

    given = os.environ.get("CSOUND_LSP_TEST_LLAMA_URL", "").strip()
    return given or str(request.getfixturevalue("llama_url"))


def _env(url: str) -> dict[str, str]:
    return {"CSOUND_LSP_AI_BACKEND": "openai", "CSOUND_LSP_AI_HOST": url, "CSOUND_LSP_AI_MODEL": MODEL}


@pytest.fixture
async def service(llama: str) -> AsyncIterator[AIService]:
    settings, problems = parse_ai_settings(None, _env(llama))
    assert not problems
    ai = AIService(settings)
    yield ai
    await ai.aclose()


#: A 270M model on one thread of a busy 2-core machine can take a minute to read a long prompt.
PATIENT = {"ai": {"timeouts": {"first_token_s": 240, "total_s": 600}}}


async def test_inline_completion_streams_through_the_server(llama: str, tmp_path: Path) -> None:
    async with ai_server(_env(llama), tmp_path, options=PATIENT) as client:
        await open_doc(client, URI, ORC_DOC)
        result = await client.text_document_inline_completion_async(inline_params(URI, CURSOR))
        assert isinstance(result, types.InlineCompletionList)
        for item in result.items:
            assert isinstance(item.insert_text, str) and item.insert_text.strip()
            assert "```" not in item.insert_text and "endin" not in item.insert_text  # closed below
    (record,) = [r for r in read_records(tmp_path) if r["kind"] == "inline"]
    assert record["error"] is None and record["model"] == MODEL
    assert record["timings"]["first_token_ms"] is not None  # real tokens arrived


async def test_inline_request_cancelled_through_the_server(llama: str, tmp_path: Path) -> None:
    async with ai_server(_env(llama), tmp_path, options=PATIENT) as client:
        await open_doc(client, URI, ORC_DOC)
        future: Any = client.protocol.send_request(
            types.TEXT_DOCUMENT_INLINE_COMPLETION, inline_params(URI, CURSOR), msg_id="cancel-me"
        )
        await asyncio.sleep(0.3)
        client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="cancel-me"))
        # cancelled (or finished first on a fast machine); either way the server answered
        with contextlib.suppress(Exception):
            await asyncio.wait_for(asyncio.wrap_future(future), 60)
        after = await client.text_document_inline_completion_async(inline_params(URI, CURSOR))
        assert isinstance(after, types.InlineCompletionList)


async def test_cancelling_mid_stream_closes_the_backend_stream(service: AIService, tmp_path: Path) -> None:
    engine = InlineEngine(service, log=AILog(tmp_path), retriever=None)
    streams: list[TextStream] = []
    original = service.complete

    async def recording(*args: Any, **kwargs: Any) -> TextStream:
        kwargs["max_tokens"] = 400  # long enough to still be running when cancelled
        stream = await original(*args, **kwargs)
        streams.append(stream)
        return stream

    service.complete = recording  # type: ignore[method-assign]
    document = Document(URI, ORC_DOC.replace("  outs aSig, aSig\nendin\n", ""))
    offset = document.index.offset(Position(CURSOR.line, CURSOR.character))
    task = asyncio.create_task(engine.suggest(document, offset, invoked=True))
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 120
    while not (streams and streams[0].stats.chunks >= 1):
        assert loop.time() < deadline and not task.done(), "no token arrived"
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not streams[0].running  # the reader task (and its HTTP response) is closed
    assert streams[0].stats.done_reason is None  # cut mid-stream, not finished


async def test_explain_runs_its_whole_path(service: AIService, tmp_path: Path) -> None:
    tokens: list[str] = []
    result = await explain(
        "instr 1\n  aSig oscili 0.5, 440\n  outs aSig, aSig\nendin\n",
        path=None,
        service=service,
        on_token=tokens.append,
        retriever=Retriever(None),
        log=AILog(tmp_path),
    )
    assert tokens  # streamed
    # Gemma 270M mostly recites its instructions: that is cut off and reported as no explanation
    assert "musician who is learning" not in result.markdown + result.comments
    if result.empty:
        assert result.comments == "" and "no usable explanation" in result.markdown
    else:
        assert "`oscili`" in result.markdown and "`outs`" in result.markdown  # catalog facts
        assert all(line.startswith(";") for line in result.comments.splitlines())
    (record,) = list(read_records(tmp_path))
    assert record["kind"] == "explain" and record["timings"]["generation_ms"] >= 0


async def test_generate_runs_its_whole_path_with_csound_validation(
    service: AIService, tmp_path: Path
) -> None:
    from csound_lsp.csound.worker import CsoundChecker

    checker = CsoundChecker()
    try:
        result = await generate(
            "a soft sine tone with a slow attack",
            service=service,
            max_attempts=2,
            checker=checker,
            retriever=Retriever(None),
            log=AILog(tmp_path),
        )
    finally:
        await checker.close()
    assert 1 <= len(result.attempts) <= 2
    assert all(attempt.startswith("attempt ") for attempt in result.attempts)
    if result.validated:
        assert "instr" in result.code and result.code.strip() in result.csd
    else:
        assert "valid" not in result.attempts[-1].split(":", 1)[1]
    (record,) = list(read_records(tmp_path))
    assert record["kind"] == "generate" and record["validated"] is result.validated


async def test_fix_offers_only_a_clean_edit(service: AIService, tmp_path: Path) -> None:
    broken = ORC_DOC.replace("aSig oscili |\n".replace("|", " "), "aSig oscili 0.5, 440\n").replace(
        "outs aSig, aSig", "outs aSig, aSug"
    )
    result = await fix(
        broken, path=None, service=service, max_attempts=1, retriever=Retriever(None), log=AILog(tmp_path)
    )
    assert len(result.attempts) == 1
    if result.new_text is None:
        assert result.remaining_errors
    else:
        from csound_lsp.ai.validate import static_errors

        assert static_errors(result.new_text) == []
