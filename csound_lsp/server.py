"""The language server: a thin pygls adapter from LSP messages to the feature layer."""

from __future__ import annotations

import asyncio
import gc
import logging
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol

from csound_lsp import __version__
from csound_lsp.catalog import default_catalog, merge_installed, use_catalog
from csound_lsp.features import completion, completion_index, convert, hover, signature
from csound_lsp.features.actions import CODE_ACTION_KINDS, code_actions, resolve_code_action
from csound_lsp.features.csound_checks import CsoundScheduler
from csound_lsp.features.diagnostics import DiagnosticsManager
from csound_lsp.idle_gc import IdleCollector
from csound_lsp.server_ai import (
    add_ai_completion_item,
    close_ai,
    register_ai,
    resolve_ai_action,
    watch_backend,
)
from csound_lsp.server_diagnostics import PUBLISH_DELAY_S as PUBLISH_DELAY_S
from csound_lsp.server_diagnostics import StaticPublisher
from csound_lsp.server_index import BackgroundIndex
from csound_lsp.server_navigation import register_navigation, start_workspace_index
from csound_lsp.server_render import register_render
from csound_lsp.settings import Settings, parse_settings
from csound_lsp.syntax.document import Document, Encoding, Position, map_forward
from csound_lsp.syntax.focus import focused_model
from csound_lsp.syntax.model import DocumentModel
from csound_lsp.syntax.store import DocumentStore

log = logging.getLogger(__name__)

#: JSON-RPC's InvalidParams.
INVALID_PARAMS = -32602


class _Malformed:
    """A request whose params did not fit its method's types (a negative line, a string position)."""

    def __init__(self, msg_id: int | str, method: str, error: JsonRpcException) -> None:
        self.id = msg_id
        self.method = method
        self.error = error


def _bad_position(value: Any, depth: int = 0) -> bool:
    """Whether a request's params hold a position (`line` and `character`) that is not two unsigned
    integers; strings, texts and deep values are not walked into."""
    if depth > 6:
        return False
    if isinstance(value, dict):
        if "line" in value and "character" in value:
            return not all(
                isinstance(value[key], int) and not isinstance(value[key], bool) and value[key] >= 0
                for key in ("line", "character")
            )
        return any(_bad_position(item, depth + 1) for item in value.values() if isinstance(item, dict | list))
    if isinstance(value, list):
        return any(_bad_position(item, depth + 1) for item in value[:1000] if isinstance(item, dict | list))
    return False


class _Protocol(LanguageServerProtocol):
    """pygls's protocol, telling the idle collector about every message and answering a request it
    cannot read with InvalidParams (pygls logs it and never replies, so the client would wait forever)."""

    def structure_message(self, data: dict[str, Any]) -> Any:
        msg_id = data.get("id")
        request = (
            "jsonrpc" in data
            and "method" in data
            and isinstance(msg_id, int | str)
            and not isinstance(msg_id, bool)
        )
        try:
            if request and _bad_position(data.get("params")):
                # the converter would read "2" as 2: a position is two unsigned integers, nothing else
                raise JsonRpcException(code=INVALID_PARAMS, message="a position needs unsigned integers")
            return super().structure_message(data)
        except JsonRpcException as error:
            if request:
                assert isinstance(msg_id, int | str)
                return _Malformed(msg_id, str(data["method"]), error)
            raise

    def notify_json(self, method: str, params: dict[str, Any]) -> None:
        """A notification whose params are LSP's JSON already (diagnostics are kept that way): sent as
        is, without the converter's walk over every field of every diagnostic."""
        self._send_data({"jsonrpc": "2.0", "method": method, "params": params})

    def handle_message(self, message: Any) -> Any:
        server = self._server
        if isinstance(server, CsoundLanguageServer):
            server.idle_gc.activity()
        if isinstance(message, _Malformed):
            code = message.error.code if message.error.code == INVALID_PARAMS else INVALID_PARAMS
            self._send_response(
                message.id,
                error=types.ResponseError(code=code, message=f"{message.method}: invalid params"),
            )
            return None
        return super().handle_message(message)


class CsoundLanguageServer(LanguageServer):
    """Holds the server's state: settings and documents. Handlers below only translate."""

    def __init__(self) -> None:
        super().__init__("csound-lsp", __version__, protocol_cls=_Protocol)
        self.idle_gc = IdleCollector()
        self.settings = Settings()
        self.store = DocumentStore()
        self.diagnostics = DiagnosticsManager()
        self.static = StaticPublisher(
            self.store, self.diagnostics, lambda: self.settings.diagnostics, self.send_diagnostics
        )
        self.csound = CsoundScheduler(
            self.diagnostics, self.send_diagnostics, self.notify_once, self.store.get
        )
        self._notices: set[str] = set()
        self.examples_index = BackgroundIndex()
        #: Strong references to fire-and-forget tasks, so they are not collected mid-flight.
        self.background_tasks: set[asyncio.Task[None]] = set()
        #: What the quiet AI backend watch (server_ai.watch_backend) last learnt.
        self.ai_backend_answers = False
        #: LSP: `exit` after `shutdown` ends the process with 0, without it with 1.
        self.exit_code = 0

    def start_io(self, stdin: Any = None, stdout: Any = None) -> None:
        """pygls's stdio loop, then the exit status LSP asks for (pygls swallows its own)."""
        super().start_io(stdin, stdout)
        if self.exit_code:
            raise SystemExit(self.exit_code)

    def publish(self, document: Document) -> None:
        """Static diagnostics of the document's current version, analysed now (off the event loop)."""
        self.static.now(document)

    def publish_soon(self, document: Document) -> None:
        """Static diagnostics after a keystroke, once the requests sent with it are answered."""
        self.static.soon(document)

    def send_diagnostics(self, document: Document) -> None:
        if self.static.pending(document.uri):
            return  # a newer version's static findings are due in a moment: they go out with Csound's
        params = {
            "uri": document.uri,
            "version": document.version,
            "diagnostics": self.diagnostics.lsp_diagnostics(document),
        }
        if isinstance(self.protocol, _Protocol):
            self.protocol.notify_json(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS, params)
        else:
            self.protocol.notify(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS, params)

    def notify_once(self, message: str) -> None:
        """A message shown once per session, however often its cause recurs."""
        if message in self._notices:
            return
        self._notices.add(message)
        self.window_show_message(types.ShowMessageParams(type=types.MessageType.Warning, message=message))

    def show_problems(self, problems: list[str]) -> None:
        if problems:
            self.window_show_message(
                types.ShowMessageParams(
                    type=types.MessageType.Warning,
                    message="csound-lsp settings ignored: " + "; ".join(problems),
                )
            )


def create_server() -> CsoundLanguageServer:
    server = CsoundLanguageServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: CsoundLanguageServer, params: types.InitializeParams) -> None:
        ls.settings, problems = parse_settings(params.initialization_options)
        ls.store.encoding = Encoding.parse(str(ls.workspace.position_encoding or "utf-16"))
        ls.csound.configure(ls.settings.diagnostics, engine=ls.settings.engine)
        ls.show_problems(problems)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: CsoundLanguageServer, params: types.InitializedParams) -> None:
        start_workspace_index(ls)
        ls.examples_index.start(ls)
        for coroutine in (_merge_installed_catalog(ls), ls.idle_gc.watch(), watch_backend(ls)):
            task = asyncio.get_running_loop().create_task(coroutine)
            ls.background_tasks.add(task)
            task.add_done_callback(ls.background_tasks.discard)
        await _pull_configuration(ls)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(
        ls: CsoundLanguageServer, params: types.DidChangeConfigurationParams
    ) -> None:
        if isinstance(params.settings, dict) and params.settings:
            ls.settings, problems = parse_settings(params.settings, ls.settings)
            ls.show_problems(problems)
        else:
            await _pull_configuration(ls)
        for document in ls.store.open_documents():
            ls.publish(document)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: CsoundLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        document = ls.store.open(item.uri, item.text, item.version, item.language_id)
        ls.publish(document)
        ls.csound.schedule(document, ls.settings.diagnostics, immediately=True)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: CsoundLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
        edits = [
            (
                convert.span_from_lsp(change.range)
                if isinstance(change, types.TextDocumentContentChangePartial)
                else None,
                change.text,
            )
            for change in params.content_changes
        ]
        document = ls.store.change(params.text_document.uri, edits, params.text_document.version)
        if document is None:
            return
        ls.publish_soon(document)
        ls.csound.schedule(document, ls.settings.diagnostics)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: CsoundLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
        document = ls.store.get(params.text_document.uri)
        if document is not None:
            ls.publish(document)
            ls.csound.schedule(document, ls.settings.diagnostics, immediately=True)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: CsoundLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.store.close(params.text_document.uri)
        ls.static.forget(params.text_document.uri)
        ls.diagnostics.forget(params.text_document.uri)
        ls.csound.cancel(params.text_document.uri)
        ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[])
        )

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def on_hover(ls: CsoundLanguageServer, params: types.HoverParams) -> types.Hover | None:
        document = ls.store.get(params.text_document.uri)
        if document is None:
            return None
        offset = document.index.offset(convert.position_from_lsp(params.position))
        version, at = ls.static.stand_in(document, offset)
        found = hover.hover_at(version, at, ls.settings)
        if found is None:
            return None
        text, start, end = found
        if version is not document:
            # answered from the last analysed version: its range moved onto this one
            edits = ls.store.edits_since(version) or ()
            first, last = map_forward(start, edits), map_forward(max(start, end - 1), edits)
            if first is None or last is None:
                return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text))
            start, end = first, (last + 1 if end > start else first)
        return hover.as_hover(document, text, start, end)

    @server.feature(
        types.TEXT_DOCUMENT_SIGNATURE_HELP,
        types.SignatureHelpOptions(trigger_characters=[" ", ",", "("], retrigger_characters=[","]),
    )
    def on_signature_help(
        ls: CsoundLanguageServer, params: types.SignatureHelpParams
    ) -> types.SignatureHelp | None:
        document = ls.store.get(params.text_document.uri)
        if document is None:
            return None
        position = convert.position_from_lsp(params.position)
        return signature.signature_help(document, position, model=_stand_in_model(ls, document, position))

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=["$", "#", "-", '"', "/"], resolve_provider=True),
    )
    async def on_completion(
        ls: CsoundLanguageServer, params: types.CompletionParams
    ) -> types.CompletionList | None:
        document = ls.store.get(params.text_document.uri)
        position = convert.position_from_lsp(params.position)
        trigger = params.context.trigger_character if params.context is not None else None
        snippets = _snippet_support(ls)
        if document is None:
            return None
        result = completion.completion(
            document,
            position,
            snippets=snippets,
            settings=ls.settings,
            trigger=trigger,
            model=_stand_in_model(ls, document, position),
        )
        return await add_ai_completion_item(ls, document, params, result)

    @server.feature(types.COMPLETION_ITEM_RESOLVE)
    def on_completion_resolve(ls: CsoundLanguageServer, item: types.CompletionItem) -> types.CompletionItem:
        return completion.resolve(item, ls.settings)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=CODE_ACTION_KINDS, resolve_provider=True),
    )
    async def on_code_action(
        ls: CsoundLanguageServer, params: types.CodeActionParams
    ) -> list[types.CodeAction | types.Command] | None:
        document = ls.store.get(params.text_document.uri)
        if document is None:
            return None
        # quick fixes read the version's findings: made on the analysis thread, or waited for there
        return await ls.static.off_loop(code_actions, document, params, ls.settings) or None

    @server.feature(types.CODE_ACTION_RESOLVE)
    async def on_code_action_resolve(ls: CsoundLanguageServer, action: types.CodeAction) -> types.CodeAction:
        data = action.data
        if isinstance(data, dict) and str(data.get("provider", "")).startswith("ai."):
            return await resolve_ai_action(ls, action)
        return resolve_code_action(action, ls.settings)

    @server.feature(types.EXIT)
    def on_exit(ls: CsoundLanguageServer, params: Any) -> None:
        ls.exit_code = 0 if ls.protocol._shutdown else 1

    @server.feature(types.SHUTDOWN)
    async def shutdown(ls: CsoundLanguageServer, params: Any) -> None:
        """Stops workers here: some clients kill the process right after `exit`."""
        # A keystroke's analysis still due or running (a long instrument: a good part of a second):
        # nobody will read its diagnostics, and this answer does not wait for it.
        ls.static.close()
        for task in list(ls.background_tasks):
            task.cancel()
        await close_ai(ls)
        ls.examples_index.stop()
        await ls.csound.close()

    # -- navigation and structure (csound_lsp/server_navigation.py) --
    register_navigation(server)
    # -- csound.render (workspace/executeCommand; csound_lsp/server_render.py) --
    register_render(server)
    # -- AI: inline completion, explain / fix / generate (csound_lsp/server_ai.py) --
    register_ai(server)
    return server


def _stand_in_model(ls: CsoundLanguageServer, document: Document, position: Position) -> DocumentModel | None:
    """The last analysed version's model for completion and signature help in a long instrument whose
    new model is still being built (their text context is always the current version's)."""
    offset = document.index.offset(position)
    version, at = ls.static.stand_in(document, offset)
    return focused_model(version, at) if version is not document else None


def _snippet_support(ls: CsoundLanguageServer) -> bool:
    text_document = ls.client_capabilities.text_document
    capability = text_document.completion if text_document is not None else None
    item = capability.completion_item if capability is not None else None
    return bool(item is not None and item.snippet_support)


def _warm_lazy_data() -> None:
    from csound_lsp.catalog.cheatsheet import cheatsheet
    from csound_lsp.catalog.versions import version_diff

    try:
        version_diff()
        cheatsheet()
    except Exception:  # a warm-up is an optimisation: the first request loads what failed here
        log.exception("warming the catalog data failed")


async def _merge_installed_catalog(ls: CsoundLanguageServer) -> None:
    """Adds the user's own Csound opcodes (plugins, a newer version) in the background."""
    result = await asyncio.get_running_loop().run_in_executor(None, merge_installed)
    if result.error is None:
        use_catalog(result.catalog)
        log.info("catalog: %d opcodes added from the installed Csound", len(result.added_opcodes))
    else:
        log.info("catalog: bundled only (%s)", result.error)
    # The first completion for an output rate would otherwise index the catalog (~50 ms).
    await asyncio.get_running_loop().run_in_executor(None, completion_index.warm, default_catalog())
    # Data the first hover or completion would load in its own time (the Csound 7 catalog behind the
    # version marks, the cheat sheet): loaded here, before the collector freezes what is long-lived.
    await asyncio.get_running_loop().run_in_executor(None, _warm_lazy_data)
    # The catalog and other long-lived data are in memory now: keep them out of the collector's
    # full passes, which otherwise add tens of milliseconds to random requests on large documents.
    gc.freeze()


async def _pull_configuration(ls: CsoundLanguageServer) -> None:
    capabilities = ls.client_capabilities.workspace
    if capabilities is None or not capabilities.configuration:
        return
    try:
        result = await ls.workspace_configuration_async(
            types.ConfigurationParams(items=[types.ConfigurationItem(section="csound")])
        )
    except Exception as exc:  # a client that fails the request must not break start-up
        log.warning("workspace/configuration failed: %s", exc)
        return
    if result and isinstance(result[0], dict):
        ls.settings, problems = parse_settings(result[0], ls.settings)
        ls.show_problems(problems)
