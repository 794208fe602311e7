"""Code actions: one request, several providers (quick fixes now; AI explain/fix/generate later).

A provider is a function from (document, request, settings) to code actions. The server asks each
provider in `PROVIDERS` in order and filters the result by the kinds the client asked for, so a new
kind of action is one more function in the list. Providers that leave work for later return actions
without an `edit` and with `data` naming them (`{"provider": name, ...}`); `resolve_code_action` hands such an
action back to the resolver registered under that name.
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
Resolver = Callable[[types.CodeAction, Settings], types.CodeAction]

#: Kinds the server announces in `CodeActionOptions.code_action_kinds` (providers add theirs).
CODE_ACTION_KINDS: list[types.CodeActionKind] = [types.CodeActionKind.QuickFix]


def quick_fix_provider(
    document: Document, params: types.CodeActionParams, settings: Settings
) -> list[types.CodeAction]:
    """Checked deterministic fixes for the static findings in the requested range."""
    span = convert.span_from_lsp(params.range)
    start = document.index.offset(span.start)
    end = document.index.offset(span.end)
    return quick_fixes(document, start, end, for_diagnostics=list(params.context.diagnostics or []))


PROVIDERS: list[Provider] = [quick_fix_provider]
RESOLVERS: dict[str, Resolver] = {}


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


def code_actions(document: Document, params: types.CodeActionParams, settings: Settings) -> list[Action]:
    """Every provider's actions, in provider order; a failing provider is logged and skipped."""
    only = [_kind_text(kind) for kind in params.context.only] if params.context.only else None
    actions: list[Action] = []
    for provider in PROVIDERS:
        try:
            found = provider(document, params, settings)
        except Exception:  # one broken provider must not take the others' actions away
            log.exception("code action provider %s failed", getattr(provider, "__name__", provider))
            continue
        actions.extend(a for a in found if _wanted(a, only))
    return actions


def resolve_code_action(action: types.CodeAction, settings: Settings) -> types.CodeAction:
    """Fills in an action a provider left for later; complete actions come back unchanged."""
    data = action.data
    name = data.get("provider") if isinstance(data, dict) else None
    resolver = RESOLVERS.get(name) if isinstance(name, str) else None
    return resolver(action, settings) if resolver is not None else action
