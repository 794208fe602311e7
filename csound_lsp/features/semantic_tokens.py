"""Semantic tokens requests: full, range and delta, from one whole-document answer per text.

The walk, the legend and the encoding are in `semantic_walk`; the per-item cache that makes a
keystroke cheap is `semantic_cache`. This module only keeps each document's last answer and cuts it
to a range or a delta, so the three requests for one version share one computation.
"""

from __future__ import annotations

from lsprotocol import types

from csound_lsp.catalog.opcodes import default_catalog
from csound_lsp.features.semantic_cache import document_tokens
from csound_lsp.features.semantic_walk import (
    LEGEND,
    TOKEN_MODIFIERS,
    TOKEN_TYPES,
    Token,
    decode,
    encode,
    reference_tokens,
    walk_tokens,
)
from csound_lsp.syntax.document import Document
from csound_lsp.syntax.items import Slot

#: Re-exported: the server registers `LEGEND`; tests and benches read the rest from here.
__all__ = [
    "LEGEND",
    "TOKEN_MODIFIERS",
    "TOKEN_TYPES",
    "Token",
    "decode",
    "edits",
    "encode",
    "full",
    "in_range",
    "reference_tokens",
    "tokens",
]

#: A version's whole-document encoded tokens (with the catalog they were classified with).
_ENCODED: Slot[list[int]] = Slot("semantic tokens, encoded")
_DECODED: Slot[list[Token]] = Slot("semantic tokens")


def tokens(document: Document, start_byte: int = 0, end_byte: int | None = None) -> list[Token]:
    """Tokens overlapping the byte range (the whole document by default), in order.

    Whole-document answers come from the item entries (`semantic_cache`) and are kept per version, so
    a range, full and delta request for the same version of a document share one computation.
    """
    whole = start_byte <= 0 and (end_byte is None or end_byte >= len(document.source))
    if whole:
        _data, found = _whole(document, want_tokens=True)
        assert found is not None
        return found
    return walk_tokens(document, start_byte, len(document.source) if end_byte is None else end_byte)


def _whole(document: Document, *, want_tokens: bool) -> tuple[list[int], list[Token] | None]:
    catalog = default_catalog()  # which calls are Csound's opcodes: the installed Csound's merge in later
    items = document.items
    data = items.value((_ENCODED, id(catalog)), lambda: document_tokens(document).data)
    if not want_tokens:
        return data, None
    return data, items.value((_DECODED, id(catalog)), lambda: decode(data))


def full(document: Document) -> list[int]:
    return _whole(document, want_tokens=False)[0]


def in_range(document: Document, range_: types.Range) -> list[int]:
    from csound_lsp.features.convert import span_from_lsp

    span = span_from_lsp(range_)
    # The whole document's tokens, filtered: the same tokens a walk of the range would find (a token
    # that starts in the range comes from a node that overlaps it), without the full model. Decoded
    # only as far as the range's last line.
    data = _whole(document, want_tokens=False)[0]
    low = (span.start.line, span.start.character)
    high = (span.end.line, span.end.character)
    found: list[Token] = []
    line = start = 0
    for index in range(0, len(data), 5):
        delta_line = data[index]
        line += delta_line
        start = start + data[index + 1] if delta_line == 0 else data[index + 1]
        if line > high[0]:
            break
        if low <= (line, start) < high:
            found.append((line, start, data[index + 2], data[index + 3], data[index + 4]))
    return encode(found)


def edits(previous: list[int], current: list[int]) -> list[types.SemanticTokensEdit]:
    """One edit turning `previous` into `current`: the differing middle, on whole-token boundaries."""
    if previous == current:
        return []
    limit = min(len(previous), len(current))
    prefix = _common_prefix(previous, current, limit)
    prefix -= prefix % 5
    suffix = _common_suffix(previous, current, limit - prefix)
    suffix -= suffix % 5
    return [
        types.SemanticTokensEdit(
            start=prefix,
            delete_count=len(previous) - prefix - suffix,
            data=current[prefix : len(current) - suffix],
        )
    ]


_CHUNK = 2048


def _common_prefix(a: list[int], b: list[int], limit: int) -> int:
    """How many leading items match, compared a slice at a time (a 5,000-line file has ~250,000)."""
    at = 0
    while at + _CHUNK <= limit and a[at : at + _CHUNK] == b[at : at + _CHUNK]:
        at += _CHUNK
    while at < limit and a[at] == b[at]:
        at += 1
    return at


def _common_suffix(a: list[int], b: list[int], limit: int) -> int:
    """How many trailing items match, at most `limit`."""
    count = 0
    end_a, end_b = len(a), len(b)
    while (
        count + _CHUNK <= limit
        and a[end_a - count - _CHUNK : end_a - count] == b[end_b - count - _CHUNK : end_b - count]
    ):
        count += _CHUNK
    while count < limit and a[end_a - 1 - count] == b[end_b - 1 - count]:
        count += 1
    return count
