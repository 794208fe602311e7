"""Completion, hover, signature help and code actions: the requests that answer while the user types.

Hover, completion and signature help run on the event loop on the current version (never waiting for
the analysis thread); in a long instrument whose new model is still being built they read the last
analysed version's (`StaticPublisher.stand_in`). Code actions read the version's findings, so they run
on the analysis thread, after its analysis.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from csound_lsp.features import completion, convert, hover, signature
from csound_lsp.features.actions import CODE_ACTION_KINDS, code_actions, quick_fix_provider
from csound_lsp.features.ai_actions import AI_ACTION_KINDS, ai_action_provider
from csound_lsp.server.feature import Feature
from csound_lsp.syntax.document import Document, Position, map_forward
from csound_lsp.syntax.focus import focused_model
from csound_lsp.syntax.model import DocumentModel

if TYPE_CHECKING:
    from csound_lsp.server.core import CsoundLanguageServer


class AssistFeature(Feature):
    def __init__(self, server: CsoundLanguageServer) -> None:
        super().__init__(server)
        #: Kinds announced in `CodeActionOptions` (the quick fixes' and the AI's).
        self.action_kinds = [*CODE_ACTION_KINDS, *(k for k in AI_ACTION_KINDS if k not in CODE_ACTION_KINDS)]

    def register(self) -> None:
        server = self.server

        @server.feature(types.TEXT_DOCUMENT_HOVER)
        def on_hover(params: types.HoverParams) -> types.Hover | None:
            return self.hover(params)

        @server.feature(
            types.TEXT_DOCUMENT_SIGNATURE_HELP,
            types.SignatureHelpOptions(trigger_characters=[" ", ",", "("], retrigger_characters=[","]),
        )
        def on_signature_help(params: types.SignatureHelpParams) -> types.SignatureHelp | None:
            document = server.store.get(params.text_document.uri)
            if document is None:
                return None
            position = convert.position_from_lsp(params.position)
            return signature.signature_help(document, position, model=self.stand_in_model(document, position))

        @server.feature(
            types.TEXT_DOCUMENT_COMPLETION,
            types.CompletionOptions(trigger_characters=["$", "#", "-", '"', "/"], resolve_provider=True),
        )
        async def on_completion(params: types.CompletionParams) -> types.CompletionList | None:
            document = server.store.get(params.text_document.uri)
            if document is None:
                return None
            position = convert.position_from_lsp(params.position)
            result = completion.completion(
                document,
                position,
                snippets=self.snippet_support(),
                settings=server.settings,
                trigger=params.context.trigger_character if params.context is not None else None,
                model=self.stand_in_model(document, position),
            )
            return await server.ai.add_completion_item(document, params, result)

        @server.feature(types.COMPLETION_ITEM_RESOLVE)
        def on_completion_resolve(item: types.CompletionItem) -> types.CompletionItem:
            return hover.resolve_completion(item, server.settings)

        @server.feature(
            types.TEXT_DOCUMENT_CODE_ACTION,
            types.CodeActionOptions(code_action_kinds=self.action_kinds, resolve_provider=True),
        )
        async def on_code_action(
            params: types.CodeActionParams,
        ) -> list[types.CodeAction | types.Command] | None:
            document = server.store.get(params.text_document.uri)
            if document is None:
                return None
            providers = [quick_fix_provider]
            if server.ai.available():  # asked here, on the event loop, where the AI state lives
                providers.append(ai_action_provider)
            # quick fixes read the version's findings: made on the analysis thread, or waited for there
            found = await server.diagnostics.publisher.off_loop(
                document, code_actions, document, params, server.settings, providers
            )
            return found or None

        @server.feature(types.CODE_ACTION_RESOLVE)
        async def on_code_action_resolve(action: types.CodeAction) -> types.CodeAction:
            data = action.data
            if isinstance(data, dict) and str(data.get("provider", "")).startswith("ai."):
                return await server.ai.resolve_action(action)
            return action  # every other action is complete when offered

    def hover(self, params: types.HoverParams) -> types.Hover | None:
        server = self.server
        document = server.store.get(params.text_document.uri)
        if document is None:
            return None
        offset = document.index.offset(convert.position_from_lsp(params.position))
        version, at = server.diagnostics.publisher.stand_in(document, offset)
        found = hover.hover_at(version, at, server.settings)
        if found is None:
            return None
        text, start, end = found
        if version is not document:
            # answered from the last analysed version: its range moved onto this one
            edits = server.store.edits_since(version) or ()
            first, last = map_forward(start, edits), map_forward(max(start, end - 1), edits)
            if first is None or last is None:
                return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text))
            start, end = first, (last + 1 if end > start else first)
        return hover.as_hover(document, text, start, end)

    def stand_in_model(self, document: Document, position: Position) -> DocumentModel | None:
        """The last analysed version's model for completion and signature help in a long instrument
        whose new model is still being built (their text context is always the current version's)."""
        offset = document.index.offset(position)
        version, at = self.server.diagnostics.publisher.stand_in(document, offset)
        return focused_model(version, at) if version is not document else None

    def snippet_support(self) -> bool:
        text_document = self.server.client_capabilities.text_document
        capability = text_document.completion if text_document is not None else None
        item = capability.completion_item if capability is not None else None
        return bool(item is not None and item.snippet_support)
