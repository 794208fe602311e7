"""AI features through the real server, against the loopback fake Ollama: inline completion, the
completion item, code actions, `csound/explain`, `csound.generate`, faults and a missing backend."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from lsprotocol import types

from csound_lsp.ai.ailog import compute_stats, read_records
from tests.ai_lsp_helpers import CURSOR, ORC_DOC, ai_server, inline_params, inline_texts, open_doc
from tests.fake_ollama import FakeOllama

pytestmark = pytest.mark.timeout(120)

URI = "file:///tmp/ai-test/piece.csd"
INLINE_TOKENS = ("0.5, 440", "\n", "  outs aSig, aSig", "\n", "endin", "\n", "```", "\n", "Here is the code.")
#: An explanation as a small model writes one: prose, with the prompt recited, a tag and code mixed in.
EXPLAIN_TOKENS = (
    "This instrument plays a quiet sine at concert pitch.\n",
    "<CsOptions>\n",
    "```csound\n",
    "aSig oscili 0.5, 440\n",
    "```\n",
    "The oscillator feeds both output channels.\n",
    "You explain Csound code to a musician who is learning it. Be concrete and brief.\n",
    "This line comes after the echo, which ends the reading.\n",
)
CHAT_TOKENS = (
    "```csound\n",
    "instr 2\n",
    "  aSig vco2 0.3, 220\n",
    "  outs aSig, aSig\n",
    "endin\n",
    "```\n",
    "```score\n",
    "i 2 0 2\n",
    "```\n",
)


@pytest.fixture
def log_dir(tmp_path: Path) -> Path:
    return tmp_path / "logs"


async def test_inline_completion_returns_filtered_text_and_logs_acceptance(log_dir: Path) -> None:
    with FakeOllama(tokens=INLINE_TOKENS) as fake:
        async with ai_server({"CSOUND_LSP_AI_HOST": fake.url}, log_dir) as client:
            await open_doc(client, URI, ORC_DOC)
            result = await client.text_document_inline_completion_async(inline_params(URI, CURSOR))
            assert isinstance(result, types.InlineCompletionList)
            # fences, prose, the line that repeats what follows and the `endin` already there are gone
            assert inline_texts(result) == ["0.5, 440"]
            item = result.items[0]
            assert item.command is not None and item.command.command == "csound.ai.accepted"
            prompt = fake.requests_to("/api/generate")[-1].body
            assert "oscili" in prompt["prompt"] and "sr = 48000" in prompt["prompt"]
            assert prompt["suffix"].startswith("\n  outs aSig, aSig\nendin")
            # a repeated request is served from the cache, and typing through the suggestion too
            again = await client.text_document_inline_completion_async(inline_params(URI, CURSOR))
            assert inline_texts(again) == ["0.5, 440"]
            assert len(fake.requests_to("/api/generate")) == 1
            await client.workspace_execute_command_async(
                types.ExecuteCommandParams(command="csound.ai.accepted", arguments=item.command.arguments)
            )
    records = list(read_records(log_dir))
    inline = [r for r in records if r["kind"] == "inline"]
    assert inline[0]["model"] == "qwen2.5-coder:1.5b-base"
    assert {"retrieval_ms", "first_token_ms", "generation_ms", "overhead_ms"} <= set(inline[0]["timings"])
    assert inline[1]["cache"] == "hit"
    stats = compute_stats(log_dir)
    assert stats.shown == 1 and stats.accepted == 1 and stats.acceptance_rate == 1.0


async def test_typing_through_a_suggestion_is_served_without_the_model(log_dir: Path) -> None:
    with FakeOllama(tokens=INLINE_TOKENS) as fake:
        async with ai_server({"CSOUND_LSP_AI_HOST": fake.url}, log_dir) as client:
            await open_doc(client, URI, ORC_DOC)
            assert inline_texts(
                await client.text_document_inline_completion_async(inline_params(URI, CURSOR))
            ) == ["0.5, 440"]
            client.text_document_did_change(
                types.DidChangeTextDocumentParams(
                    text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=2),
                    content_changes=[
                        types.TextDocumentContentChangePartial(
                            range=types.Range(start=CURSOR, end=CURSOR), text="0.5"
                        )
                    ],
                )
            )
            moved = types.Position(line=CURSOR.line, character=CURSOR.character + 3)
            result = await client.text_document_inline_completion_async(
                inline_params(URI, moved, invoked=False)
            )
            assert inline_texts(result) == [", 440"]
            assert len(fake.requests_to("/api/generate")) == 1


async def test_completion_item_for_clients_without_inline_completion(log_dir: Path) -> None:
    with FakeOllama(tokens=INLINE_TOKENS) as fake:
        async with ai_server({"CSOUND_LSP_AI_HOST": fake.url}, log_dir, inline=False) as client:
            await open_doc(client, URI, ORC_DOC)
            params = types.CompletionParams(
                text_document=types.TextDocumentIdentifier(uri=URI), position=CURSOR
            )
            labels: list[str] = []
            for _ in range(20):  # the first ask may only start the generation; a later one gets it
                result = await client.text_document_completion_async(params)
                assert isinstance(result, types.CompletionList)
                labels = [item.label for item in result.items if item.label.startswith("AI: ")]
                if labels:
                    break
                await asyncio.sleep(0.2)
            assert labels == ["AI: 0.5, 440"]
            at_statement = types.CompletionParams(
                text_document=types.TextDocumentIdentifier(uri=URI),
                position=types.Position(line=13, character=2),
            )
            normal = await client.text_document_completion_async(at_statement)
            assert isinstance(normal, types.CompletionList)
            assert any(item.label == "outs" for item in normal.items)


async def test_code_actions_explain_fix_generate(log_dir: Path) -> None:
    broken = ORC_DOC.replace("aSig oscili \n", "aSig oscili 0.5, 440\n").replace(
        "outs aSig, aSig", "outs aSig, aSug"
    )
    fixed = "```csound\ninstr 1\n  ; a quiet sine\n  aSig oscili 0.5, 440\n  outs aSig, aSig\nendin\n```"
    with FakeOllama(tokens=tuple(fixed.splitlines(keepends=True))) as fake:
        async with ai_server({"CSOUND_LSP_AI_HOST": fake.url}, log_dir) as client:
            await open_doc(client, URI, broken)
            diagnostics = [d for d in client.diagnostics[URI] if d.severity == types.DiagnosticSeverity.Error]
            assert diagnostics, "the test needs an error the quick fixes cannot solve"
            actions = await client.text_document_code_action_async(
                types.CodeActionParams(
                    text_document=types.TextDocumentIdentifier(uri=URI),
                    range=diagnostics[0].range,
                    context=types.CodeActionContext(diagnostics=diagnostics),
                )
            )
            assert actions is not None
            by_title = {a.title: a for a in actions if isinstance(a, types.CodeAction)}
            assert "Explain selection with AI" in by_title
            cursor = types.Range(start=diagnostics[0].range.start, end=diagnostics[0].range.start)
            at_cursor = await client.text_document_code_action_async(
                types.CodeActionParams(
                    text_document=types.TextDocumentIdentifier(uri=URI),
                    range=cursor,
                    context=types.CodeActionContext(diagnostics=[]),
                )
            )
            by_title.update({a.title: a for a in at_cursor or [] if isinstance(a, types.CodeAction)})
            assert "Explain line (outs) with AI" in by_title
            fix_action = next(a for t, a in by_title.items() if t.startswith("Fix with AI"))
            assert fix_action.edit is None  # listed cheaply: nothing computed yet
            assert not fake.requests_to("/api/chat")
            resolved = await client.code_action_resolve_async(fix_action)
            assert resolved.edit is not None and resolved.edit.changes is not None
            repaired = _apply(broken, list(resolved.edit.changes[URI]))
            assert "outs aSig, aSig" in repaired and "aSug" not in repaired
            # a code-only answer is no explanation: nothing is inserted
            explain = await client.code_action_resolve_async(by_title["Explain instrument 1 with AI"])
            assert explain.edit is None
            fake.tokens = EXPLAIN_TOKENS
            explain = await client.code_action_resolve_async(by_title["Explain instrument 1 with AI"])
            assert explain.edit is not None and explain.edit.changes is not None
            (comments,) = explain.edit.changes[URI]
            assert comments.range.start.line == 10
            assert all(line.startswith(";") for line in comments.new_text.splitlines())
            assert "quiet sine" in comments.new_text and "both output channels" in comments.new_text
            for junk in (
                "CsOptions",
                "musician who is learning",
                "```",
                "aSig oscili 0.5, 440",
                "after the echo",
            ):
                assert junk not in comments.new_text
            assert "oscili" in comments.new_text  # the catalog's facts are part of every explanation


async def test_generate_comment_action_command_and_explain_request(log_dir: Path) -> None:
    doc = ORC_DOC.replace("</CsInstruments>", "; generate: bright saw bass\n</CsInstruments>")
    with FakeOllama(tokens=CHAT_TOKENS) as fake:
        async with ai_server({"CSOUND_LSP_AI_HOST": fake.url}, log_dir) as client:
            await open_doc(client, URI, doc)
            line = doc.splitlines().index("; generate: bright saw bass")
            position = types.Position(line=line, character=3)
            actions = await client.text_document_code_action_async(
                types.CodeActionParams(
                    text_document=types.TextDocumentIdentifier(uri=URI),
                    range=types.Range(start=position, end=position),
                    context=types.CodeActionContext(diagnostics=[]),
                )
            )
            assert actions is not None
            action = next(a for a in actions if a.title.startswith("Generate with AI: bright saw bass"))
            assert isinstance(action, types.CodeAction)
            resolved = await client.code_action_resolve_async(action)
            assert resolved.edit is not None and resolved.edit.changes is not None
            instrument, score = resolved.edit.changes[URI]
            assert instrument.range.start.line == line + 1 and "instr 2" in instrument.new_text
            assert "AI draft" not in instrument.new_text  # it validated
            assert score.new_text == "i 2 0 2\n"
            result = await client.workspace_execute_command_async(
                types.ExecuteCommandParams(
                    command="csound.generate", arguments=[{"description": "a saw bass"}]
                )
            )
            assert result["validated"] is True and "instr 2" in result["code"]
            where = {
                "textDocument": {"uri": URI},
                "range": {"start": {"line": 12, "character": 2}, "end": {"line": 12, "character": 2}},
            }
            explained = await client.protocol.send_request_async("csound/explain", where)
            assert explained.empty is True and explained.comments == ""  # the answer was code only
            fake.tokens = EXPLAIN_TOKENS
            explained = await client.protocol.send_request_async("csound/explain", where)
            assert explained.empty is False
            assert "oscili" in explained.markdown and explained.comments.startswith("  ;")
            assert "<CsOptions>" not in explained.markdown and "```" not in explained.markdown
    kinds = {r["kind"] for r in read_records(log_dir)}
    assert {"generate", "explain"} <= kinds


FAULTS = [
    ("error_midstream", {"message": "model crashed"}, "model crashed"),
    ("drop", {}, "closed"),
    ("garbage", {}, ""),
    ("slow_first_token", {"delay": 4.0}, "first token"),
]


async def test_faults_mid_stream_give_empty_answers_and_one_clear_message_each(log_dir: Path) -> None:
    with FakeOllama(tokens=INLINE_TOKENS, token_delay=0.01) as fake:
        options = {"ai": {"timeouts": {"first_token_s": 1.0}}}
        async with ai_server({"CSOUND_LSP_AI_HOST": fake.url}, log_dir, options=options) as client:
            await open_doc(client, URI, ORC_DOC)
            for kind, extra, _ in FAULTS:
                fake.add_fault(kind, path="/api/generate", after=1, **extra)  # type: ignore[arg-type]
                shown = len(client.messages)
                result = await asyncio.wait_for(
                    client.text_document_inline_completion_async(inline_params(URI, CURSOR)), 20
                )
                assert inline_texts(result) == [], kind
                await _wait_for(lambda shown=shown: len(client.messages) > shown)
            messages = [m.message for m in client.messages]
            assert any("model crashed" in m for m in messages)
            assert any("first token within 1 s" in m for m in messages)
            # the server is still healthy: the next request works
            assert inline_texts(
                await client.text_document_inline_completion_async(inline_params(URI, CURSOR))
            ) == ["0.5, 440"]
            hover = await client.text_document_hover_async(
                types.HoverParams(
                    text_document=types.TextDocumentIdentifier(uri=URI),
                    position=types.Position(line=12, character=9),
                )
            )
            assert hover is not None


async def test_missing_model_is_named_with_the_pull_command(log_dir: Path) -> None:
    with FakeOllama(tokens=INLINE_TOKENS) as fake:
        env = {"CSOUND_LSP_AI_HOST": fake.url, "CSOUND_LSP_AI_COMPLETION_MODEL": "nope-coder:1b"}
        async with ai_server(env, log_dir) as client:
            await open_doc(client, URI, ORC_DOC)
            for _ in range(3):
                assert (
                    inline_texts(
                        await client.text_document_inline_completion_async(inline_params(URI, CURSOR))
                    )
                    == []
                )
            await _wait_for(lambda: bool(client.messages))
            notices = [m.message for m in client.messages if "nope-coder" in m.message]
            assert notices == ["AI model nope-coder:1b is not pulled: run `ollama pull nope-coder:1b`"]


async def test_no_backend_one_message_per_session_and_fast_empty_answers(log_dir: Path) -> None:
    async with ai_server({"CSOUND_LSP_AI_HOST": "http://127.0.0.1:9"}, log_dir, inline=False) as client:
        await open_doc(client, URI, ORC_DOC)
        for attempt in range(5):
            # The first request loads the AI client and tries the host once; the rest must be quick.
            result = await asyncio.wait_for(
                client.text_document_inline_completion_async(inline_params(URI, CURSOR)),
                20 if attempt == 0 else 5,
            )
            assert inline_texts(result) == []
        params = types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=URI), position=CURSOR)
        completion = await client.text_document_completion_async(params)
        assert isinstance(completion, types.CompletionList) and completion.items
        assert not [item for item in completion.items if item.label.startswith("AI: ")]
        actions = await client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=URI),
                range=types.Range(start=CURSOR, end=CURSOR),
                context=types.CodeActionContext(diagnostics=[]),
            )
        )
        assert not [a for a in actions or [] if "AI" in a.title]
        await _wait_for(lambda: bool(client.messages))
        unreachable = [m.message for m in client.messages if "No AI backend" in m.message]
        assert len(unreachable) == 1
        assert "ollama serve" in unreachable[0] and "CSOUND_LSP_AI_HOST" in unreachable[0]


async def test_cancel_request_closes_the_backend_stream(log_dir: Path) -> None:
    tokens = tuple(" 0.5," for _ in range(200))  # one endless line: no filter cuts it short
    with FakeOllama(tokens=tokens, token_delay=0.2) as fake:
        async with ai_server({"CSOUND_LSP_AI_HOST": fake.url}, log_dir) as client:
            await open_doc(client, URI, ORC_DOC)
            future = client.protocol.send_request(
                types.TEXT_DOCUMENT_INLINE_COMPLETION, inline_params(URI, CURSOR), msg_id="inline-1"
            )
            await _wait_for(lambda: bool(fake.requests_to("/api/generate")))
            request = fake.requests_to("/api/generate")[0]
            client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="inline-1"))
            assert fake.wait_disconnected(request, timeout=10)
            with pytest.raises(Exception):  # noqa: B017 - the request ends as cancelled, whatever the class
                await asyncio.wait_for(
                    asyncio.wrap_future(future) if not asyncio.isfuture(future) else future, 10
                )


def _apply(text: str, edits: list[types.TextEdit]) -> str:
    lines = text.splitlines(keepends=True)

    def offset(position: types.Position) -> int:
        return sum(len(line) for line in lines[: position.line]) + position.character

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


async def _wait_for(condition: object, timeout: float = 10.0) -> None:
    assert callable(condition)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


def test_log_files_are_json_lines(tmp_path: Path) -> None:
    from csound_lsp.ai.ailog import AILog

    ai_log = AILog(tmp_path, max_bytes=400)
    for n in range(30):
        ai_log.write("inline", timings={"total_ms": float(n), "first_token_ms": 1.0}, shown=[f"id{n}"])
    ai_log.accepted("id29")
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files[0] == "ai.jsonl" and "ai.jsonl.1" in files and len(files) <= 4
    for file in tmp_path.iterdir():
        for line in file.read_text().splitlines():
            json.loads(line)
    stats = compute_stats(tmp_path)
    assert stats.accepted == 1 and 0 < stats.shown < 30
    assert stats.kinds["inline"].summary()["p95_ms"] == 29.0
    off = AILog(tmp_path / "off", enabled=False)
    off.write("inline")
    assert not (tmp_path / "off").exists()


async def test_typing_without_a_backend_never_shows_a_message(log_dir: Path) -> None:
    """Automatic inline completion, completion and code actions with no AI settings and no backend: not
    one message reaches the user; asking explicitly (an invoked inline completion) then tells them once."""
    async with ai_server({}, log_dir) as client:
        await open_doc(client, URI, ORC_DOC)
        for _ in range(4):
            result = await asyncio.wait_for(
                client.text_document_inline_completion_async(inline_params(URI, CURSOR, invoked=False)), 20
            )
            assert inline_texts(result) == []
            completion = await client.text_document_completion_async(
                types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=URI), position=CURSOR)
            )
            assert isinstance(completion, types.CompletionList) and completion.items
        # every answer above came after any message its handler sent: none may have been sent
        assert [m.message for m in client.messages] == []
        await client.text_document_inline_completion_async(inline_params(URI, CURSOR, invoked=True))
        await _wait_for(lambda: bool(client.messages))
        assert len([m for m in client.messages if "No AI backend" in m.message]) == 1


async def test_the_backend_watch_logs_one_line_each_way(log_dir: Path) -> None:
    """The quiet start-up check: one log line that the backend answers (or not), never a message."""
    with FakeOllama(tokens=INLINE_TOKENS) as fake:
        async with ai_server({"CSOUND_LSP_AI_HOST": fake.url}, log_dir) as client:
            await _wait_for(lambda: any("answering" in m.message for m in client.log_messages), 20)
            lines = [m.message for m in client.log_messages if "AI backend at" in m.message]
            assert lines == [f"csound_lsp.server.ai: AI backend at {fake.url}: answering"], lines
            assert client.messages == []
    async with ai_server({"CSOUND_LSP_AI_HOST": "http://127.0.0.1:9"}, log_dir) as client:
        await _wait_for(lambda: any("AI stays off" in m.message for m in client.log_messages), 20)
        assert client.messages == []
