"""Document symbols (the outline) and workspace symbols (search by name across files).

The outline follows how a Csound program is read: `<CsInstruments>` holds the header, the
instruments, the UDOs, the macros and the global variables; `<CsScore>` holds its sections (split at
`s` statements), with function tables and the events grouped by the instrument they play.
Workspace symbols come from a `WorkspaceIndex` that the server fills in the background.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterable, Iterator

from lsprotocol import types
from tree_sitter import Node

from csound_lsp.features.convert import byte_range
from csound_lsp.features.name_keys import instrument_key
from csound_lsp.syntax.document import Document
from csound_lsp.syntax.focus import outline_model
from csound_lsp.syntax.languages import CSOUND_SUFFIXES
from csound_lsp.syntax.model import DocumentModel, ScopeKind, ScoreStatement, is_global_name
from csound_lsp.syntax.store import DocumentStore

K = types.SymbolKind
#: Events listed one by one under an instrument's group; beyond this only the group shows.
MAX_EVENTS_PER_GROUP = 200
#: Folders never walked when indexing a workspace.
SKIPPED_FOLDERS = frozenset(
    {".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", "build", "dist"}
)
#: At most this many files are indexed per workspace folder.
MAX_WORKSPACE_FILES = 5000
#: Files larger than this are left out of the workspace index: their tree alone costs ~100 bytes of
#: memory per source byte (a 5 MB generated score: ~500 MB and seconds of a background thread holding
#: the interpreter), for a handful of names. Opened, such a file is analysed as any other.
MAX_INDEXED_FILE_BYTES = 1024 * 1024


def _trimmed_end(source: bytes, start: int, end: int) -> int:
    while end > start and source[end - 1 : end] in (b" ", b"\t", b"\r", b"\n"):
        end -= 1
    return end


def _symbol(
    document: Document,
    name: str,
    kind: types.SymbolKind,
    start: int,
    end: int,
    selection: tuple[int, int] | None = None,
    detail: str | None = None,
    children: list[types.DocumentSymbol] | None = None,
) -> types.DocumentSymbol:
    end = max(start, _trimmed_end(document.source, start, end))
    sel_start, sel_end = selection if selection is not None else (start, end)
    sel_start, sel_end = max(start, sel_start), min(end, max(sel_start, sel_end))
    return types.DocumentSymbol(
        name=name or "(unnamed)",
        kind=kind,
        range=byte_range(document, start, end),
        selection_range=byte_range(document, sel_start, sel_end),
        detail=detail,
        children=children or None,
    )


def _within(start: int, node: Node | None) -> bool:
    return node is None or node.start_byte <= start < node.end_byte


def _orchestra_symbols(document: Document, container: Node | None) -> list[types.DocumentSymbol]:
    """Header, instruments, UDOs, macros and globals defined inside `container` (None: everywhere)."""
    model = outline_model(document)
    result: list[types.DocumentSymbol] = []
    settings = [s for s in model.header.values() if _within(s.start_byte, container)]
    if settings:
        children = [
            _symbol(
                document,
                s.name,
                K.Constant,
                s.start_byte,
                s.end_byte,
                (s.start_byte, s.start_byte + len(s.name)),
                s.value_text,
            )
            for s in sorted(settings, key=lambda s: s.start_byte)
        ]
        start = min(s.start_byte for s in settings)
        end = max(s.end_byte for s in settings)
        result.append(_symbol(document, "header", K.Namespace, start, end, (start, start), None, children))
    for instrument in model.instruments:
        if not _within(instrument.node.start_byte, container):
            continue
        first = instrument.names[0].ref if instrument.names else None
        result.append(
            _symbol(
                document,
                "instr " + instrument.label,
                K.Class,
                instrument.node.start_byte,
                instrument.node.end_byte,
                (first.start_byte, first.end_byte) if first else None,
                instrument.doc.splitlines()[0] if instrument.doc else None,
            )
        )
    for udo in model.udos.values():
        if _within(udo.node.start_byte, container):
            result.append(
                _symbol(
                    document,
                    udo.name,
                    K.Function,
                    udo.node.start_byte,
                    udo.node.end_byte,
                    (udo.ref.start_byte, udo.ref.end_byte),
                    _named_types(f"{udo.output_types or '0'} ← {udo.input_types or '0'}"),
                )
            )
    for struct in model.structs.values():  # Csound 7
        if _within(struct.node.start_byte, container):
            members = ", ".join(f"{m.name}:{m.type}" for m in struct.members)
            result.append(
                _symbol(
                    document,
                    struct.name,
                    K.Struct,
                    struct.node.start_byte,
                    struct.node.end_byte,
                    (struct.ref.start_byte, struct.ref.end_byte),
                    members[:60] or None,
                )
            )
    for macro in model.macros.values():
        if macro.node.type == "define_directive" and _within(macro.node.start_byte, container):
            result.append(
                _symbol(
                    document,
                    "$" + macro.name,
                    K.Constant,
                    macro.node.start_byte,
                    macro.node.end_byte,
                    (macro.ref.start_byte, macro.ref.end_byte),
                    macro.body[:40].strip() or None,
                )
            )
    for variable in model.global_scope.variables.values():
        if not is_global_name(variable.name) or not variable.definitions:
            continue
        declared = [d for d in variable.definitions if model.scope_at(d.start_byte).kind is ScopeKind.GLOBAL]
        if not declared:
            continue  # only assigned inside instruments: declared elsewhere (an included file)
        first_def = declared[0]
        if _within(first_def.start_byte, container):
            result.append(
                _symbol(
                    document,
                    variable.name,
                    K.Variable,
                    first_def.start_byte,
                    first_def.end_byte,
                    None,
                    f"{variable.rate}-rate global" if variable.rate else "global",
                )
            )
    result.sort(key=lambda s: (s.range.start.line, s.range.start.character))
    return result


def _statement_label(model: DocumentModel, statement: ScoreStatement) -> str:
    text = model.text(statement.node).split("\n", 1)[0]
    text = text.split(";", 1)[0].strip()
    return " ".join(text.split())[:60] or statement.letter


def _score_symbols(document: Document, container: Node | None) -> list[types.DocumentSymbol]:
    """Score sections (split at `s`), each with its tables and its events grouped by instrument."""
    model = outline_model(document)
    statements = [s for s in model.score if _within(s.node.start_byte, container)]
    if not statements:
        return []
    sections: list[list[ScoreStatement]] = [[]]
    for statement in statements:
        sections[-1].append(statement)
        if statement.letter == "s":
            sections.append([])
    if not sections[-1]:
        sections.pop()
    result = [_score_section(document, index + 1, part) for index, part in enumerate(sections)]
    return result if len(result) > 1 else list(result[0].children or [])


def _score_section(document: Document, number: int, statements: list[ScoreStatement]) -> types.DocumentSymbol:
    model = outline_model(document)
    children: list[types.DocumentSymbol] = []
    groups: dict[str, list[ScoreStatement]] = {}
    for statement in statements:
        if statement.letter == "f":
            number_text = model.text(statement.fields[0]) if statement.fields else "?"
            gen = model.text(statement.fields[3]) if len(statement.fields) > 3 else "?"
            children.append(
                _symbol(
                    document,
                    f"f {number_text}",
                    K.Array,
                    statement.node.start_byte,
                    statement.node.end_byte,
                    detail=f"GEN{gen.lstrip('-')}",
                )
            )
        elif statement.letter == "i" and statement.instrument is not None:
            found = instrument_key(statement.instrument, 0)
            key = (found[0].lstrip("#") if found else statement.instrument).strip('"')
            groups.setdefault(key, []).append(statement)
    for key, events in groups.items():
        events_shown = [
            _symbol(document, _statement_label(model, e), K.Event, e.node.start_byte, e.node.end_byte)
            for e in events[:MAX_EVENTS_PER_GROUP]
        ]
        children.append(
            _symbol(
                document,
                f"instr {key}",
                K.Event,
                events[0].node.start_byte,
                max(e.node.end_byte for e in events),
                detail=f"{len(events)} event{'s' if len(events) != 1 else ''}",
                children=events_shown,
            )
        )
    children.sort(key=lambda s: (s.range.start.line, s.range.start.character))
    start = statements[0].node.start_byte
    end = max(s.node.end_byte for s in statements)
    return _symbol(document, f"section {number}", K.Namespace, start, end, (start, start), None, children)


def _named_types(signature: str) -> str:
    """`:Point;k` (the catalog's spelling of a Csound 7 UDO's types) -> `Point k`."""
    return re.sub(r":(\w+);", r"\1 ", signature).replace(" ←", " ←").replace("  ", " ")


def document_symbols(document: Document) -> list[types.DocumentSymbol]:
    """The outline of one document."""
    model = outline_model(document)
    if document.kind.value == "orc":
        return _orchestra_symbols(document, None) + _score_symbols(document, None)
    if document.kind.value == "sco":
        return _score_symbols(document, None)
    result: list[types.DocumentSymbol] = []
    for section in model.sections:
        start_tag = next((c for c in section.node.named_children if c.type == "start_tag"), None)
        selection = (start_tag.start_byte, start_tag.end_byte) if start_tag is not None else None
        if section.node.type == "instruments_section":
            children = _orchestra_symbols(document, section.node)
        elif section.node.type == "score_section":
            children = _score_symbols(document, section.node)
        else:
            children = []
        result.append(
            _symbol(
                document,
                section.tag,
                K.Module,
                section.start_byte,
                section.end_byte,
                selection,
                None,
                children,
            )
        )
    return result


# -- workspace symbols --------------------------------------------------------------------------------
def _flatten(
    symbols: Iterable[types.DocumentSymbol], container: str | None
) -> Iterator[tuple[types.DocumentSymbol, str | None]]:
    for symbol in symbols:
        yield symbol, container
        if symbol.children and symbol.kind in (K.Module, K.Namespace):
            yield from _flatten(symbol.children, symbol.name)


def workspace_entries(document: Document) -> list[types.WorkspaceSymbol]:
    """The searchable symbols of one document: instruments, UDOs, macros and globals."""
    wanted = {K.Class, K.Function, K.Constant, K.Variable}
    entries: list[types.WorkspaceSymbol] = []
    for symbol, container in _flatten(document_symbols(document), None):
        if symbol.kind in wanted and container != "header":
            entries.append(
                types.WorkspaceSymbol(
                    name=symbol.name,
                    kind=symbol.kind,
                    location=types.Location(uri=document.uri, range=symbol.selection_range),
                    container_name=os.path.basename(document.uri),
                )
            )
    return entries


def matches(query: str, name: str) -> bool:
    """Case-insensitive subsequence match, as editors' fuzzy symbol search expects."""
    if not query:
        return True
    remaining = iter(name.casefold())
    return all(char in remaining for char in query.casefold())


class WorkspaceIndex:
    """Symbols per document URI; written by a background thread, read by requests without waiting."""

    def __init__(self) -> None:
        self._entries: dict[str, list[types.WorkspaceSymbol]] = {}
        self._lock = threading.Lock()

    def update(self, document: Document) -> None:
        entries = workspace_entries(document)
        with self._lock:
            self._entries[document.uri] = entries

    def remove(self, uri: str) -> None:
        with self._lock:
            self._entries.pop(uri, None)

    def index_path(self, store: DocumentStore, path: str) -> None:
        """Runs on a background thread: the saved file, never the open document the event loop edits
        (`search` reads open documents itself)."""
        try:
            too_large = os.path.getsize(path) > MAX_INDEXED_FILE_BYTES
        except OSError:
            too_large = False  # gone: for_path says so
        document = None if too_large else store.for_path(path, disk_only=True)
        if document is None:
            self.remove(_uri(path))
        else:
            self.update(document)

    def index_folder(self, store: DocumentStore, folder: str, stop: threading.Event | None = None) -> int:
        """Indexes every Csound file under `folder`; returns how many were indexed."""
        count = 0
        for path in csound_files(folder):
            if stop is not None and stop.is_set():
                break
            self.index_path(store, path)
            count += 1
        return count

    def search(
        self, query: str, open_documents: Iterable[Document] = (), limit: int = 500
    ) -> list[types.WorkspaceSymbol]:
        with self._lock:
            snapshot = dict(self._entries)
        for document in open_documents:  # open documents are always current
            snapshot[document.uri] = workspace_entries(document)
        found = [e for entries in snapshot.values() for e in entries if matches(query, e.name)]
        found.sort(key=lambda e: (not e.name.casefold().startswith(query.casefold()), e.name))
        return found[:limit]


def _uri(path: str) -> str:
    from csound_lsp.syntax.store import path_to_uri

    return path_to_uri(path)


def csound_files(folder: str) -> Iterator[str]:
    """Csound files under a folder, skipping hidden and build folders, at most MAX_WORKSPACE_FILES."""
    count = 0
    for root, folders, files in os.walk(folder):
        folders[:] = sorted(f for f in folders if f not in SKIPPED_FOLDERS and not f.startswith("."))
        for name in sorted(files):
            if os.path.splitext(name)[1].lower() in CSOUND_SUFFIXES:
                yield os.path.join(root, name)
                count += 1
                if count >= MAX_WORKSPACE_FILES:
                    return
