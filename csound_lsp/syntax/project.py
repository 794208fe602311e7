"""The include graph: which documents one Csound program is made of.

A global variable, UDO, macro or instrument used in one file may be defined in a file it
`#include`s, or in the file that includes it. Navigation needs that set of documents; this module
finds it by resolving `#include` paths (the including document's folder first, then
`settings.include_paths`, as Csound searches), parsing included files through the store (cached by
modification time) and stopping at cycles.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field

from csound_lsp.syntax.document import Document
from csound_lsp.syntax.focus import includes_of
from csound_lsp.syntax.store import DocumentStore, uri_to_path

#: An include chain deeper than this is cut off (Csound itself gives up far sooner).
MAX_INCLUDE_DEPTH = 32
#: At most this many documents make up one program (a guard against pathological trees).
MAX_DOCUMENTS = 256


def resolve_include(document: Document, target: str, include_paths: Sequence[str] = ()) -> str | None:
    """The file an `#include "target"` in `document` names, or None when no such file exists."""
    if not target:
        return None
    expanded = os.path.expanduser(target)
    if os.path.isabs(expanded):
        return os.path.normpath(expanded) if os.path.isfile(expanded) else None
    here = uri_to_path(document.uri)
    folders: list[str] = []
    if here:
        folders.append(os.path.dirname(os.path.abspath(here)))
    folders.extend(os.path.expanduser(p) for p in include_paths)
    for folder in folders:
        candidate = os.path.normpath(os.path.join(folder, expanded))
        if os.path.isfile(candidate):
            return candidate
    return None


@dataclass
class IncludeGraph:
    """The documents reachable from one root through `#include`, in first-visit order."""

    documents: list[Document] = field(default_factory=list)
    #: (including document URI, include target text) pairs that close a cycle.
    cycles: list[tuple[str, str]] = field(default_factory=list)
    #: (including document URI, include target text) pairs naming no readable file.
    unresolved: list[tuple[str, str]] = field(default_factory=list)


def include_graph(store: DocumentStore, root: Document, include_paths: Sequence[str] = ()) -> IncludeGraph:
    """Walks `#include`s depth first from `root`, recording cycles and missing files."""
    graph = IncludeGraph()
    seen: set[str] = set()

    def visit(document: Document, chain: tuple[str, ...]) -> None:
        if document.uri in seen or len(graph.documents) >= MAX_DOCUMENTS:
            return
        seen.add(document.uri)
        graph.documents.append(document)
        if len(chain) >= MAX_INCLUDE_DEPTH:
            return
        for include in includes_of(document):
            path = resolve_include(document, include.target, include_paths)
            child = store.for_path(path) if path is not None else None
            if child is None:
                graph.unresolved.append((document.uri, include.target))
                continue
            if child.uri in chain or child.uri == document.uri:
                graph.cycles.append((document.uri, include.target))
                continue
            visit(child, (*chain, child.uri))

    visit(root, (root.uri,))
    return graph


def program_documents(
    store: DocumentStore, document: Document, include_paths: Sequence[str] = ()
) -> list[Document]:
    """Every document that may hold a definition `document` sees, `document` first.

    That is the document's own include closure plus the closure of every open document that
    includes it (directly or not), so editing a `.udo` file still finds the instruments of the
    `.csd` that includes it.
    """
    result: dict[str, Document] = {}
    for found in include_graph(store, document, include_paths).documents:
        result.setdefault(found.uri, found)
    for other in store.open_documents():
        if other.uri in result or not includes_of(other):
            continue
        closure = include_graph(store, other, include_paths).documents
        if any(d.uri == document.uri for d in closure):
            for found in closure:
                result.setdefault(found.uri, found)
    return list(result.values())
