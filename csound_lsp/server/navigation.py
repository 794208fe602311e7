"""Navigation and structure handlers (symbols, definition, references, rename, folding, semantic
tokens, inlay hints, formatting), registered on the server in one block.

Part of the server layer: each handler only finds the document and the program it belongs to, then
calls a pure function in `csound_lsp.features`, on the analysis thread (`StaticPublisher.off_loop`).
The state kept here (`NavigationFeature`) is what LSP asks the server to remember: the last semantic
tokens per document (for deltas) and the workspace index, whose thread stops at shutdown.
"""

from __future__ import annotations

import itertools
import logging
import threading
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.exceptions import JsonRpcException

from csound_lsp.features import folding, formatting, inlay_hints, navigation, semantic_tokens, symbols
from csound_lsp.server.feature import Feature
from csound_lsp.syntax.document import Document
from csound_lsp.syntax.project import program_documents
from csound_lsp.syntax.store import uri_to_path

if TYPE_CHECKING:
    from csound_lsp.server.core import CsoundLanguageServer

log = logging.getLogger(__name__)

#: LSP's RequestFailed: a well-formed request the server declines (here: an unsafe rename).
REQUEST_FAILED = -32803


class NavigationFeature(Feature):
    """The navigation and structure handlers (`register_navigation`) and what they remember."""

    def __init__(self, server: CsoundLanguageServer) -> None:
        super().__init__(server)
        self.index = symbols.WorkspaceIndex()
        #: uri → (result id, encoded tokens) of the last full/delta answer.
        self.tokens: dict[str, tuple[str, list[int]]] = {}
        self.ids = itertools.count()
        #: Set at shutdown: the workspace index thread stops at its next file.
        self.stopped = threading.Event()

    def register(self) -> None:
        register_navigation(self.server)

    async def start(self) -> None:
        start_workspace_index(self.server)

    async def stop(self) -> None:
        self.stopped.set()


def state(ls: CsoundLanguageServer) -> NavigationFeature:
    return ls.navigation


def _program(ls: CsoundLanguageServer, document: Document) -> list[Document]:
    return program_documents(ls.store, document, ls.settings.include_paths)


def _refused(error: navigation.RenameRefused) -> JsonRpcException:
    return JsonRpcException(message=f"Cannot rename: {error}", code=REQUEST_FAILED)


def start_workspace_index(ls: CsoundLanguageServer) -> None:
    """Indexes the workspace folders' Csound files on a background thread; requests never wait for it."""
    folders = [f.uri for f in (ls.workspace.folders or {}).values()] if ls.workspace.folders else []
    if not folders and ls.workspace.root_uri:
        folders = [ls.workspace.root_uri]
    paths = [p for p in (uri_to_path(u) for u in folders) if p]
    if not paths:
        return
    nav = state(ls)

    def run() -> None:
        for path in paths:
            try:
                count = nav.index.index_folder(ls.store, path, nav.stopped)
                log.info("workspace index: %d Csound files under %s", count, path)
            except Exception:  # an unreadable tree must not take the server down
                log.exception("workspace index failed for %s", path)

    threading.Thread(target=run, name="csound-workspace-index", daemon=True).start()


def register_navigation(server: CsoundLanguageServer) -> None:
    def doc(ls: CsoundLanguageServer, uri: str) -> Document | None:
        return ls.store.get(uri)

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    async def on_document_symbol(
        ls: CsoundLanguageServer, params: types.DocumentSymbolParams
    ) -> list[types.DocumentSymbol]:
        document = doc(ls, params.text_document.uri)
        return (
            await ls.diagnostics.publisher.off_loop(document, symbols.document_symbols, document)
            if document
            else []
        )

    @server.feature(types.WORKSPACE_SYMBOL)
    def on_workspace_symbol(
        ls: CsoundLanguageServer, params: types.WorkspaceSymbolParams
    ) -> list[types.WorkspaceSymbol]:
        return state(ls).index.search(params.query, ls.store.open_documents())

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def on_watched_files(ls: CsoundLanguageServer, params: types.DidChangeWatchedFilesParams) -> None:
        nav = state(ls)
        for change in params.changes:
            path = uri_to_path(change.uri)
            if change.type == types.FileChangeType.Deleted or path is None:
                nav.index.remove(change.uri)
            else:
                threading.Thread(target=nav.index.index_path, args=(ls.store, path), daemon=True).start()

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    async def on_definition(ls: CsoundLanguageServer, params: types.DefinitionParams) -> list[types.Location]:
        document = doc(ls, params.text_document.uri)
        if document is None:
            return []
        return await ls.diagnostics.publisher.off_loop(
            document, lambda: navigation.definition(document, params.position, _program(ls, document))
        )

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    async def on_references(ls: CsoundLanguageServer, params: types.ReferenceParams) -> list[types.Location]:
        document = doc(ls, params.text_document.uri)
        include = params.context.include_declaration
        if document is None:
            return []
        return await ls.diagnostics.publisher.off_loop(
            document,
            lambda: navigation.references(document, params.position, _program(ls, document), include),
        )

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT)
    async def on_highlight(
        ls: CsoundLanguageServer, params: types.DocumentHighlightParams
    ) -> list[types.DocumentHighlight]:
        document = doc(ls, params.text_document.uri)
        return (
            await ls.diagnostics.publisher.off_loop(
                document, navigation.highlights, document, params.position
            )
            if document
            else []
        )

    @server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
    async def on_prepare_rename(
        ls: CsoundLanguageServer, params: types.PrepareRenameParams
    ) -> types.PrepareRenamePlaceholder | None:
        document = doc(ls, params.text_document.uri)
        if document is None:
            return None
        try:
            return await ls.diagnostics.publisher.off_loop(
                document, lambda: navigation.prepare_rename(document, params.position, _program(ls, document))
            )
        except navigation.NothingToRename:
            return None
        except navigation.RenameRefused as error:
            raise _refused(error) from error

    @server.feature(types.TEXT_DOCUMENT_RENAME)
    async def on_rename(ls: CsoundLanguageServer, params: types.RenameParams) -> types.WorkspaceEdit | None:
        document = doc(ls, params.text_document.uri)
        if document is None:
            return None
        try:
            return await ls.diagnostics.publisher.off_loop(
                document,
                lambda: navigation.rename(document, params.position, params.new_name, _program(ls, document)),
            )
        except navigation.RenameRefused as error:
            raise _refused(error) from error

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_LINK)
    async def on_document_link(
        ls: CsoundLanguageServer, params: types.DocumentLinkParams
    ) -> list[types.DocumentLink]:
        document = doc(ls, params.text_document.uri)
        if document is None:
            return []
        return await ls.diagnostics.publisher.off_loop(
            document, navigation.document_links, document, ls.settings.include_paths
        )

    @server.feature(types.TEXT_DOCUMENT_FOLDING_RANGE)
    async def on_folding(
        ls: CsoundLanguageServer, params: types.FoldingRangeParams
    ) -> list[types.FoldingRange]:
        document = doc(ls, params.text_document.uri)
        return (
            await ls.diagnostics.publisher.off_loop(document, folding.folding_ranges, document)
            if document
            else []
        )

    @server.feature(types.TEXT_DOCUMENT_SELECTION_RANGE)
    async def on_selection(
        ls: CsoundLanguageServer, params: types.SelectionRangeParams
    ) -> list[types.SelectionRange]:
        document = doc(ls, params.text_document.uri)
        if document is None:
            return []
        return await ls.diagnostics.publisher.off_loop(
            document, folding.selection_ranges, document, list(params.positions)
        )

    @server.feature(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL, semantic_tokens.LEGEND)
    async def on_tokens_full(
        ls: CsoundLanguageServer, params: types.SemanticTokensParams
    ) -> types.SemanticTokens:
        document = doc(ls, params.text_document.uri)
        data = (
            await ls.diagnostics.publisher.off_loop(document, semantic_tokens.full, document)
            if document
            else []
        )
        return _remember(ls, params.text_document.uri, data)

    @server.feature(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL_DELTA, semantic_tokens.LEGEND)
    async def on_tokens_delta(
        ls: CsoundLanguageServer, params: types.SemanticTokensDeltaParams
    ) -> types.SemanticTokens | types.SemanticTokensDelta:
        uri = params.text_document.uri
        document = doc(ls, uri)
        data = (
            await ls.diagnostics.publisher.off_loop(document, semantic_tokens.full, document)
            if document
            else []
        )
        previous = state(ls).tokens.get(uri)
        answer = _remember(ls, uri, data)
        if previous is None or previous[0] != params.previous_result_id:
            return answer
        return types.SemanticTokensDelta(
            result_id=answer.result_id, edits=semantic_tokens.edits(previous[1], data)
        )

    @server.feature(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_RANGE, semantic_tokens.LEGEND)
    async def on_tokens_range(
        ls: CsoundLanguageServer, params: types.SemanticTokensRangeParams
    ) -> types.SemanticTokens:
        document = doc(ls, params.text_document.uri)
        if document is None:
            return types.SemanticTokens(data=[])
        return types.SemanticTokens(
            data=await ls.diagnostics.publisher.off_loop(
                document, semantic_tokens.in_range, document, params.range
            )
        )

    @server.feature(types.TEXT_DOCUMENT_INLAY_HINT)
    async def on_inlay_hint(ls: CsoundLanguageServer, params: types.InlayHintParams) -> list[types.InlayHint]:
        document = doc(ls, params.text_document.uri)
        if document is None:
            return []
        settings = ls.settings.inlay_hints
        return await ls.diagnostics.publisher.off_loop(
            document,
            lambda: inlay_hints.inlay_hints(document, params.range, settings, _program(ls, document)),
        )

    @server.feature(types.TEXT_DOCUMENT_FORMATTING)
    async def on_formatting(
        ls: CsoundLanguageServer, params: types.DocumentFormattingParams
    ) -> list[types.TextEdit]:
        document = doc(ls, params.text_document.uri)
        if document is None:
            return []
        plan = await ls.diagnostics.publisher.off_loop(
            document, formatting.format_plan, document, ls.settings.formatting
        )
        why_not = plan.why_not()
        if why_not is not None:
            ls.window_show_message(types.ShowMessageParams(type=types.MessageType.Info, message=why_not))
        return formatting.edits_for(document, plan.changes)

    @server.feature(types.TEXT_DOCUMENT_RANGE_FORMATTING)
    async def on_range_formatting(
        ls: CsoundLanguageServer, params: types.DocumentRangeFormattingParams
    ) -> list[types.TextEdit]:
        document = doc(ls, params.text_document.uri)
        if document is None:
            return []
        return await ls.diagnostics.publisher.off_loop(
            document, formatting.format_range, document, params.range, ls.settings.formatting
        )

    @server.feature(
        types.TEXT_DOCUMENT_ON_TYPE_FORMATTING,
        types.DocumentOnTypeFormattingOptions(first_trigger_character="\n"),
    )
    def on_type_formatting(
        ls: CsoundLanguageServer, params: types.DocumentOnTypeFormattingParams
    ) -> list[types.TextEdit]:
        document = doc(ls, params.text_document.uri)
        return (
            formatting.format_on_type(document, params.position, ls.settings.formatting) if document else []
        )


def _remember(ls: CsoundLanguageServer, uri: str, data: list[int]) -> types.SemanticTokens:
    nav = state(ls)
    result_id = str(next(nav.ids))
    nav.tokens[uri] = (result_id, data)
    return types.SemanticTokens(data=data, result_id=result_id)
