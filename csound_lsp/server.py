"""The language server: a thin pygls adapter from LSP messages to the feature layer."""

from __future__ import annotations

import logging
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from csound_lsp import __version__
from csound_lsp.analysis.diagnostics import static_findings
from csound_lsp.features import convert
from csound_lsp.settings import Settings, parse_settings
from csound_lsp.syntax.document import Document, Encoding
from csound_lsp.syntax.store import DocumentStore

log = logging.getLogger(__name__)


class CsoundLanguageServer(LanguageServer):
    """Holds the server's state: settings and documents. Handlers below only translate."""

    def __init__(self) -> None:
        super().__init__("csound-lsp", __version__)
        self.settings = Settings()
        self.store = DocumentStore()

    def publish(self, document: Document) -> None:
        findings = static_findings(document) if self.settings.diagnostics.static else []
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=document.uri,
                version=document.version,
                diagnostics=[convert.diagnostic(document, f) for f in findings],
            )
        )

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
        ls.show_problems(problems)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: CsoundLanguageServer, params: types.InitializedParams) -> None:
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

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: CsoundLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
        document = ls.store.get(params.text_document.uri)
        if document is None:
            return
        edits = [
            (
                convert.span_from_lsp(change.range)
                if isinstance(change, types.TextDocumentContentChangePartial)
                else None,
                change.text,
            )
            for change in params.content_changes
        ]
        document.apply_edits(edits, params.text_document.version)
        ls.publish(document)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: CsoundLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
        document = ls.store.get(params.text_document.uri)
        if document is not None:
            ls.publish(document)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: CsoundLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.store.close(params.text_document.uri)
        ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[])
        )

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: CsoundLanguageServer, params: Any) -> None:
        """Stops workers here: some clients kill the process right after `exit`."""
        log.info("shutdown")

    return server


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
