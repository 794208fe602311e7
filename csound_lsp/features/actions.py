"""Code actions: one request, several providers (the quick fixes here, the AI's in `ai_actions`).

A provider is a function from (document, request, settings) to code actions. The server passes its
providers in order and `code_actions` filters the result by the kinds the client asked for, so a new
kind of action is one more provider. Providers that leave work for later return actions without an
`edit` and with `data` naming them (`{"provider": name, ...}`); the server resolves those (the AI's).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from lsprotocol import types

from csound_lsp.features import convert
from csound_lsp.features.quick_fixes import quick_fixes
from csound_lsp.settings import Settings
from csound_lsp.syntax.document import Document

log = logging.getLogger(__name__)

Action = types.CodeAction | types.Command
Provider = Callable[[Document, types.CodeActionParams, Settings], Sequence[Action]]

#: The kinds the quick fixes offer (the server announces these and the AI's).
CODE_ACTION_KINDS: tuple[types.CodeActionKind, ...] = (types.CodeActionKind.QuickFix,)


def quick_fix_provider(
    document: Document, params: types.CodeActionParams, settings: Settings
) -> list[types.CodeAction]:
    """Checked deterministic fixes for the static findings in the requested range."""
    span = convert.span_from_lsp(params.range)
    start = document.index.offset(span.start)
    end = document.index.offset(span.end)
    return quick_fixes(document, start, end, for_diagnostics=list(params.context.diagnostics or []))


def _kind_text(kind: types.CodeActionKind | str | None) -> str:
    """The wire value of a kind (`str()` of the enum member would be its Python name)."""
    if isinstance(kind, types.CodeActionKind):
        return kind.value
    return kind or ""


def _wanted(action: Action, only: Sequence[str] | None) -> bool:
    """LSP's `only` filter: a kind matches itself and its sub-kinds (`quickfix` takes `quickfix.x`)."""
    if not only:
        return True
    if isinstance(action, types.Command):
        return False
    kind = _kind_text(action.kind)
    return any(kind == wanted or kind.startswith(f"{wanted}.") for wanted in only)


def code_actions(
    document: Document,
    params: types.CodeActionParams,
    settings: Settings,
    providers: Sequence[Provider] = (quick_fix_provider,),
) -> list[Action]:
    """Every provider's actions, in provider order; a failing provider is logged and skipped."""
    only = [_kind_text(kind) for kind in params.context.only] if params.context.only else None
    actions: list[Action] = []
    for provider in providers:
        try:
            found = provider(document, params, settings)
        except Exception:  # one broken provider must not take the others' actions away
            log.exception("code action provider %s failed", getattr(provider, "__name__", provider))
            continue
        actions.extend(a for a in found if _wanted(a, only))
    return actions
