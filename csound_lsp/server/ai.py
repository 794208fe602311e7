"""The server's AI handlers: inline completion, the completion-item hook, AI code actions on resolve,
`csound/explain`, the `csound.generate` and `csound.ai.accepted` commands.

All state lives on the server's `AIFeature` (`ls.ai`): one `AIState`, made on first use from the
AI part of the server's settings (`ls.settings.ai`, resolved with the environment) and remade when it
changes, and what the quiet backend
watch last learnt. With no backend reachable every handler answers empty at once; the service tells
the user once per session (through `window/showMessage`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from lsprotocol import types

from csound_lsp.ai import AIError, AIService
from csound_lsp.ai.ailog import AILog
from csound_lsp.ai.assistant import explain, fix, generate
from csound_lsp.ai.grounding import Retriever
from csound_lsp.ai.inline import InlineEngine, Suggestion
from csound_lsp.ai.service import import_clients
from csound_lsp.csound.worker import CsoundChecker
from csound_lsp.features import ai_actions, convert
from csound_lsp.server.feature import Feature
from csound_lsp.settings import AISettings
from csound_lsp.syntax.document import Document, Position
from csound_lsp.syntax.store import uri_to_path

if TYPE_CHECKING:
    from csound_lsp.server.core import CsoundLanguageServer

log = logging.getLogger(__name__)

ACCEPTED_COMMAND = "csound.ai.accepted"
GENERATE_COMMAND = "csound.generate"
EXPLAIN_REQUEST = "csound/explain"
#: How long normal completion may wait for an AI item (a cache hit is instant).
ITEM_BUDGET_S = 0.25


@dataclass
class AIState:
    settings: AISettings
    service: AIService
    engine: InlineEngine
    log: AILog
    retriever: Retriever
    tasks: set[asyncio.Task[Any]] = field(default_factory=set)


def state(ls: CsoundLanguageServer) -> AIState:
    """The server's AI state for its current settings (made, or remade after a settings change)."""
    current = ls.ai.current
    settings = ls.settings.ai
    if current is not None and current.settings == settings:
        return current

    def notice(message: str) -> None:
        ls.window_show_message(types.ShowMessageParams(type=types.MessageType.Warning, message=message))

    service = AIService(settings, on_notice=notice)
    ai_log = AILog(enabled=service.settings.log)
    retriever = Retriever(service=service)

    def checker() -> CsoundChecker | None:
        return _checker(ls)

    engine = InlineEngine(service, retriever=retriever, log=ai_log, checker=checker)
    made = ls.ai.current = AIState(settings, service, engine, ai_log, retriever)
    if current is not None:
        _spawn(made, current.service.aclose())
    return made


def _spawn(ai: AIState, coroutine: Any) -> asyncio.Task[Any]:
    task = asyncio.get_running_loop().create_task(coroutine)
    ai.tasks.add(task)
    task.add_done_callback(ai.tasks.discard)
    return task


def _available(ls: CsoundLanguageServer) -> bool:
    settings = state(ls).service.settings
    return settings.enabled and state(ls).service.health.down is None


def _path(document: Document) -> str | None:
    return uri_to_path(document.uri) if document.uri.startswith("file:") else None


def _checker(ls: CsoundLanguageServer) -> CsoundChecker | None:
    return ls.diagnostics.csound.checker() if ls.settings.diagnostics.csound else None


def _inline_items(
    suggestions: list[Suggestion], position: types.Position
) -> list[types.InlineCompletionItem]:
    return [
        types.InlineCompletionItem(
            insert_text=s.text,
            range=types.Range(start=position, end=position),
            command=types.Command(title="", command=ACCEPTED_COMMAND, arguments=[s.id]),
        )
        for s in suggestions
    ]


async def add_ai_completion_item(
    ls: CsoundLanguageServer,
    document: Document,
    params: types.CompletionParams,
    result: types.CompletionList | None,
) -> types.CompletionList | None:
    """The completion hook: one AI item when it is ready within `ITEM_BUDGET_S`, else the list as is.

    Clients with inline completion get their AI text there; here we only serve what is cached.
    """
    if ls.ai.current is None and not ls.ai.backend_answers:
        # No AI request yet and the quiet watch has seen no backend: plain completion must not pay
        # for loading the AI clients (~150 ms on the first completion without Ollama).
        return result
    try:
        ai = state(ls)
        if not ai.service.settings.inline or not _available(ls):
            return result
        offset = document.index.offset(convert.position_from_lsp(params.position))
        inline_capable = _client_has_inline(ls)
        task = _spawn(ai, ai.engine.suggest(document, offset, invoked=False, cached_only=inline_capable))
        done, _ = await asyncio.wait({task}, timeout=ITEM_BUDGET_S)
        if not done or task.cancelled() or task.exception() is not None:
            if result is not None and not inline_capable:
                result.is_incomplete = (
                    True  # ask again on the next keystroke: the answer may be cached by then
                )
            return result
        suggestions = task.result()
    except Exception:  # the AI must never break normal completion
        log.exception("AI completion item failed")
        return result
    if not suggestions:
        return result
    best = suggestions[0]
    first_line = best.text.strip().split("\n", 1)[0]
    item = types.CompletionItem(
        label=f"AI: {first_line[:60]}",
        kind=types.CompletionItemKind.Snippet,
        detail="AI suggestion (local model)",
        documentation=best.text,
        sort_text="~",
        filter_text=_word_before(document, params.position) or first_line,
        text_edit=types.TextEdit(
            range=types.Range(start=params.position, end=params.position), new_text=best.text
        ),
        command=types.Command(title="", command=ACCEPTED_COMMAND, arguments=[best.id]),
    )
    if result is None:
        return types.CompletionList(is_incomplete=False, items=[item])
    return types.CompletionList(
        is_incomplete=result.is_incomplete, items=[*result.items, item], item_defaults=result.item_defaults
    )


def _word_before(document: Document, position: types.Position) -> str:
    """The word the client filters completion items by (what was typed of it so far)."""
    line = document.index.line_bytes(position.line).decode("utf-8", "replace")[: position.character]
    words = line.split()
    return words[-1] if words and not line.endswith((" ", "\t")) else ""


def _client_has_inline(ls: CsoundLanguageServer) -> bool:
    text_document = ls.client_capabilities.text_document
    return bool(text_document is not None and getattr(text_document, "inline_completion", None) is not None)


def _progress(ls: CsoundLanguageServer, title: str) -> tuple[Any, Any]:
    """Starts `$/progress` when the client supports it; returns (report, end) callables."""
    window = ls.client_capabilities.window
    if window is None or not window.work_done_progress:
        return (lambda _message: None), (lambda: None)
    token = f"csound-ai-{uuid.uuid4().hex[:8]}"
    ls.work_done_progress.create(token)
    ls.work_done_progress.begin(token, types.WorkDoneProgressBegin(title=title, cancellable=False))
    count = [0]

    def report(chunk: str) -> None:
        count[0] += 1
        if count[0] % 16 == 1:
            ls.work_done_progress.report(token, types.WorkDoneProgressReport(message=f"{count[0]} tokens"))

    def end() -> None:
        ls.work_done_progress.end(token, types.WorkDoneProgressEnd())

    return report, end


async def resolve_ai_action(ls: CsoundLanguageServer, action: types.CodeAction) -> types.CodeAction:
    """Runs the assistant for an AI code action and fills in its edit (or says what was tried)."""
    data = action.data if isinstance(action.data, dict) else {}
    document = ls.store.get(str(data.get("uri", "")))
    if document is None:
        return action
    ai = state(ls)
    provider = data.get("provider")
    report, end = _progress(ls, action.title)
    try:
        if provider == "ai.explain":
            text = document.source[int(data["start"]) : int(data["end"])].decode("utf-8", "replace")
            explained = await explain(
                text,
                path=_path(document),
                service=ai.service,
                on_token=report,
                retriever=ai.retriever,
                log=ai.log,
                indent=str(data.get("indent", "")),
            )
            if explained.empty:  # nothing worth inserting: say so, change nothing
                _tell(ls, f"{action.title}: {explained.markdown.strip('_')}")
            else:  # comment lines only: explain never edits code
                edit = ai_actions.insert_lines(document, int(data["line"]), explained.comments)
                action.edit = ai_actions.workspace_edit(document, [edit])
        elif provider == "ai.fix":
            fixed = await fix(
                document.text,
                path=_path(document),
                service=ai.service,
                on_token=report,
                checker=_checker(ls),
                retriever=ai.retriever,
                log=ai.log,
            )
            if fixed.new_text is not None:
                action.edit = ai_actions.workspace_edit(
                    document, [ai_actions.minimal_edit(document, fixed.new_text)]
                )
            else:
                _tell(
                    ls,
                    "Fix with AI found no edit that leaves the file free of errors. Tried: "
                    + "; ".join(fixed.attempts),
                )
        elif provider == "ai.generate":
            made = await generate(
                str(data.get("description", "")),
                service=ai.service,
                context_text=document.text,
                on_token=report,
                checker=_checker(ls),
                retriever=ai.retriever,
                log=ai.log,
                path=_path(document),
            )
            if made.code:
                note = "" if made.validated else f"; AI draft, not validated: {made.attempts[-1]}"
                edits = ai_actions.generated_edits(
                    document, int(data.get("line", 0)), made.code, made.score, note
                )
                action.edit = ai_actions.workspace_edit(document, edits)
            else:
                _tell(ls, "Generate with AI produced no instrument. Tried: " + "; ".join(made.attempts))
    except AIError as error:
        _tell(ls, f"{action.title}: {error}")
    finally:
        end()
    return action


#: How often the backend is asked, quietly, whether it is there (and soon after the AI settings change).
BACKEND_CHECK_INTERVAL_S = 180.0
_SETTINGS_POLL_S = 5.0


async def watch_backend(ls: CsoundLanguageServer, start_delay_s: float = 2.0) -> None:
    """Learns, without telling anyone, whether an AI backend answers: shortly after start, every few
    minutes, and after the AI settings change. Typing never shows a message about a missing backend;
    the log gets one line whenever the answer changes, and explicit AI commands say what is missing.

    Nothing listening on the backend's port (the usual case: no Ollama) is learnt with one connect
    attempt, without loading the AI clients (httpx, ollama: ~20 MB and ~0.4 s)."""
    await asyncio.sleep(start_delay_s)
    checked: AISettings | None = None
    last: bool | None = None
    waited = 0.0
    while True:
        settings = ls.settings.ai
        if settings != checked or waited >= BACKEND_CHECK_INTERVAL_S:
            checked, waited = settings, 0.0
            if settings.enabled:
                up = await _backend_answers(ls, settings.host)
                ls.ai.backend_answers = up
                if up != last:
                    answer = "answering" if up else "not answering; AI stays off"
                    log.info("AI backend at %s: %s", settings.host, answer)
                last = up
        await asyncio.sleep(_SETTINGS_POLL_S)
        waited += _SETTINGS_POLL_S


async def _backend_answers(ls: CsoundLanguageServer, host: str) -> bool:
    if not await _port_open(host):
        return False
    # The AI client's imports run off the event loop.
    await asyncio.to_thread(import_clients)
    try:
        health = await state(ls).service.check()
    except Exception:  # a check must never end the watch
        log.exception("AI backend check failed")
        return False
    return bool(health.ok)


async def _port_open(host: str, timeout_s: float = 2.0) -> bool:
    parts = urlsplit(host if "://" in host else f"http://{host}")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        _, writer = await asyncio.wait_for(
            asyncio.open_connection(parts.hostname or "127.0.0.1", port), timeout_s
        )
    except (TimeoutError, OSError, ValueError):
        return False
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return True


def _tell(ls: CsoundLanguageServer, message: str) -> None:
    ls.window_show_message(types.ShowMessageParams(type=types.MessageType.Info, message=message))


async def close_ai(ls: CsoundLanguageServer) -> None:
    current = ls.ai.current
    if current is not None:
        for task in list(current.tasks):
            task.cancel()
        await current.service.aclose()


class AIFeature(Feature):
    """The AI handlers (`register_ai`) and their state."""

    def __init__(self, server: CsoundLanguageServer) -> None:
        super().__init__(server)
        #: The AI state for the settings it was made with (`state`), None before the first AI request.
        self.current: AIState | None = None
        #: What the quiet AI backend watch (`watch_backend`) last learnt.
        self.backend_answers = False

    def register(self) -> None:
        register_ai(self.server)

    async def start(self) -> None:
        self.server.spawn(watch_backend(self.server))

    async def stop(self) -> None:
        await close_ai(self.server)

    def state(self) -> AIState:
        return state(self.server)

    def available(self) -> bool:
        """Whether the AI backend is believed usable (AI code actions are offered only then)."""
        return _available(self.server)

    async def add_completion_item(
        self, document: Document, params: types.CompletionParams, result: types.CompletionList | None
    ) -> types.CompletionList | None:
        return await add_ai_completion_item(self.server, document, params, result)

    async def resolve_action(self, action: types.CodeAction) -> types.CodeAction:
        return await resolve_ai_action(self.server, action)


def register_ai(server: CsoundLanguageServer) -> None:
    """Adds the AI handlers to `server` (the AI code actions are offered by `server.assist`)."""

    @server.feature(types.TEXT_DOCUMENT_INLINE_COMPLETION, types.InlineCompletionOptions())
    async def inline_completion(params: types.InlineCompletionParams) -> types.InlineCompletionList | None:
        ls = server
        document = ls.store.get(params.text_document.uri)
        if document is None:
            return None
        ai = state(ls)
        offset = document.index.offset(convert.position_from_lsp(params.position))
        invoked = params.context.trigger_kind == types.InlineCompletionTriggerKind.Invoked
        suggestions = await ai.engine.suggest(document, offset, invoked=invoked)
        return types.InlineCompletionList(items=_inline_items(suggestions, params.position))

    @server.command(ACCEPTED_COMMAND)
    def accepted(*args: Any) -> None:
        ls = server
        if args and isinstance(args[0], str):
            state(ls).log.accepted(args[0])

    @server.command(GENERATE_COMMAND)
    async def generate_command(*args: Any) -> dict[str, Any] | None:
        ls = server
        request = args[0] if args else {}
        if isinstance(request, str):
            request = {"description": request}
        if not isinstance(request, dict) or not str(request.get("description", "")).strip():
            raise ValueError("csound.generate needs a description")
        ai = state(ls)
        document = ls.store.get(str(request.get("uri", ""))) if request.get("uri") else None
        report, end = _progress(ls, "Generating an instrument")
        try:
            made = await generate(
                str(request["description"]),
                service=ai.service,
                on_token=report,
                context_text=document.text if document else None,
                checker=_checker(ls),
                retriever=ai.retriever,
                log=ai.log,
                render_check=bool(request.get("render")),
                path=_path(document) if document else None,
            )
        except AIError as error:
            _tell(ls, f"Generate with AI: {error}")
            return None
        finally:
            end()
        if document is not None and made.code:
            line = int(request.get("line", document.index.line_count))
            note = "" if made.validated else f"; AI draft, not validated: {made.attempts[-1]}"
            edits = ai_actions.generated_edits(document, max(0, line - 1), made.code, made.score, note)
            await ls.workspace_apply_edit_async(
                types.ApplyWorkspaceEditParams(
                    edit=ai_actions.workspace_edit(document, edits), label="Generate"
                )
            )
        render = made.render_report.summary() if made.render_report is not None else None
        return {
            "code": made.code,
            "score": made.score,
            "validated": made.validated,
            "attempts": made.attempts,
            "render": render,
        }

    @server.feature(EXPLAIN_REQUEST)
    async def explain_request(params: Any) -> dict[str, Any] | None:
        ls = server
        uri = params.textDocument.uri
        document = ls.store.get(uri)
        if document is None:
            return None
        start = document.index.offset(Position(params.range.start.line, params.range.start.character))
        end_ = document.index.offset(Position(params.range.end.line, params.range.end.character))
        targets = ai_actions.explain_targets(document, start, end_)
        if not targets:
            return None
        target = targets[0]
        text = document.source[target.start_byte : target.end_byte].decode("utf-8", "replace")
        ai = state(ls)
        try:
            explained = await explain(
                text,
                path=_path(document),
                service=ai.service,
                retriever=ai.retriever,
                log=ai.log,
                indent=target.indent,
            )
        except AIError:
            return None  # the user has been told once why
        return {"markdown": explained.markdown, "comments": explained.comments, "empty": explained.empty}
