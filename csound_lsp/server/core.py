"""The server itself: the protocol (malformed requests answered), the state every area shares
(settings, documents), the lifecycle (initialize, configuration, shutdown, exit) and the document sync
handlers; each area's handlers are a `Feature` of their own."""

from __future__ import annotations

import asyncio
import gc
import logging
import sys
from collections.abc import Coroutine
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol

from csound_lsp import __version__
from csound_lsp.catalog import default_catalog, merge_installed, use_catalog
from csound_lsp.features import completion_index, convert
from csound_lsp.idle_gc import IdleCollector
from csound_lsp.server.ai import AIFeature
from csound_lsp.server.assist import AssistFeature
from csound_lsp.server.diagnostics import DiagnosticsFeature
from csound_lsp.server.feature import Feature
from csound_lsp.server.index import IndexFeature
from csound_lsp.server.navigation import NavigationFeature
from csound_lsp.server.render import RenderFeature
from csound_lsp.settings import parse
from csound_lsp.syntax.document import Encoding
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
    """The state every area reads (settings, documents) and the areas themselves; handlers only
    translate between LSP and the feature layer."""

    def __init__(self) -> None:
        super().__init__("csound-lsp", __version__, protocol_cls=_Protocol)
        self.idle_gc = IdleCollector()
        #: The settings every area reads: the defaults and the environment until the client's arrive.
        self.settings = parse(None).settings
        self.store = DocumentStore()
        self._notices: set[str] = set()
        #: Settings problems already reported this session.
        self._settings_reported: set[str] = set()
        #: Strong references to fire-and-forget tasks, so they are not collected mid-flight.
        self.background_tasks: set[asyncio.Task[None]] = set()
        #: LSP: `exit` after `shutdown` ends the process with 0, without it with 1.
        self.exit_code = 0
        self.diagnostics = DiagnosticsFeature(self)
        self.navigation = NavigationFeature(self)
        self.ai = AIFeature(self)
        self.assist = AssistFeature(self)
        self.render = RenderFeature(self)
        self.index = IndexFeature(self)
        self.features: list[Feature] = [
            self.diagnostics,
            self.navigation,
            self.ai,
            self.assist,
            self.render,
            self.index,
        ]

    def start_io(self, stdin: Any = None, stdout: Any = None) -> None:
        """pygls's stdio loop, then the exit status LSP asks for (pygls swallows its own)."""
        super().start_io(stdin, stdout)
        if self.exit_code:
            raise SystemExit(self.exit_code)

    def notify_json(self, method: str, params: dict[str, Any]) -> None:
        """A notification whose params are LSP's JSON already (see `_Protocol.notify_json`)."""
        if isinstance(self.protocol, _Protocol):
            self.protocol.notify_json(method, params)
        else:
            self.protocol.notify(method, params)

    def notify_once(self, message: str) -> None:
        """A message shown once per session, however often its cause recurs."""
        if message in self._notices:
            return
        self._notices.add(message)
        self.window_show_message(types.ShowMessageParams(type=types.MessageType.Warning, message=message))

    def configure(self, raw: Any) -> None:
        """The client's settings (initializationOptions, workspace/configuration) overlaid on the
        current ones. Each problem is reported once per session, however often the client sends the
        same settings: a malformed value in a message (the user meant something and it is not in
        effect), a key the server does not know in the log (a typo, or another version's setting)."""
        parsed = parse(raw, self.settings)
        self.settings = parsed.settings
        self.diagnostics.csound.configure(self.settings.diagnostics, engine=self.settings.engine)
        invalid = [p for p in parsed.problems.invalid if p not in self._settings_reported]
        unknown = [key for key in parsed.problems.unknown if key not in self._settings_reported]
        self._settings_reported.update(invalid, unknown)
        if invalid:
            self.window_show_message(
                types.ShowMessageParams(
                    type=types.MessageType.Warning,
                    message="csound-lsp settings ignored: " + "; ".join(invalid),
                )
            )
        for key in unknown:
            self.window_log_message(
                types.LogMessageParams(
                    type=types.MessageType.Warning, message=f"csound-lsp: unknown setting {key!r} ignored"
                )
            )

    def spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        """A background task the server keeps a reference to (cancelled at shutdown)."""
        task = asyncio.get_running_loop().create_task(coroutine)
        self.background_tasks.add(task)
        task.add_done_callback(self.background_tasks.discard)


#: How long a thread holding the interpreter lock may keep it while another waits (Python's default is
#: 5 ms): the event loop waits this long for the lock at each step of a request while the analysis
#: thread works, so a shorter slice answers a hover behind a long analysis sooner.
SWITCH_INTERVAL_S = 0.001


def create_server() -> CsoundLanguageServer:
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    server = CsoundLanguageServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: CsoundLanguageServer, params: types.InitializeParams) -> None:
        ls.configure(params.initialization_options)
        ls.store.encoding = Encoding.parse(str(ls.workspace.position_encoding or "utf-16"))

    @server.feature(types.INITIALIZED)
    async def initialized(ls: CsoundLanguageServer, params: types.InitializedParams) -> None:
        ls.spawn(_merge_installed_catalog())
        ls.spawn(ls.idle_gc.watch())
        for feature in ls.features:
            await feature.start()
        await _pull_configuration(ls)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(
        ls: CsoundLanguageServer, params: types.DidChangeConfigurationParams
    ) -> None:
        if isinstance(params.settings, dict) and params.settings:
            ls.configure(params.settings)
        else:
            await _pull_configuration(ls)
        ls.diagnostics.settings_changed()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: CsoundLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        ls.diagnostics.opened(ls.store.open(item.uri, item.text, item.version, item.language_id))

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
        if document is not None:
            ls.diagnostics.changed(document)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: CsoundLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
        document = ls.store.get(params.text_document.uri)
        if document is not None:
            ls.diagnostics.saved(document)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: CsoundLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.store.close(params.text_document.uri)
        ls.diagnostics.closed(params.text_document.uri)

    @server.feature(types.EXIT)
    def on_exit(ls: CsoundLanguageServer, params: Any) -> None:
        ls.exit_code = 0 if ls.protocol._shutdown else 1

    @server.feature(types.SHUTDOWN)
    async def shutdown(ls: CsoundLanguageServer, params: Any) -> None:
        """Stops every area's work here: some clients kill the process right after `exit`."""
        for task in list(ls.background_tasks):
            task.cancel()
        for feature in reversed(ls.features):
            try:
                await feature.stop()
            except Exception:  # one area failing to stop must not keep the others running
                log.exception("stopping %s failed", type(feature).__name__)

    for feature in server.features:
        feature.register()
    return server


def _warm_lazy_data() -> None:
    from csound_lsp.catalog.cheatsheet import cheatsheet
    from csound_lsp.catalog.versions import version_diff

    try:
        version_diff()
        cheatsheet()
    except Exception:  # a warm-up is an optimisation: the first request loads what failed here
        log.exception("warming the catalog data failed")


async def _merge_installed_catalog() -> None:
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
        ls.configure(result[0])
