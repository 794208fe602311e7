"""Errors inside `#include`d files, reported on the `#include` line that brings them in.

Csound's preprocessor pastes an included file in place, so an error in it rejects the whole
program; until now the static check never read included files, and a document whose only fault
was in its `.udo` looked clean. This check follows each `#include` as Csound 6.18 finds it (the
including file's folder first, then the document's folder, then the folders in `INCDIR`), parses
the file with the grammar of the section it is included in (score text in `<CsScore>`, orchestra
code elsewhere), analyses it on its own with the same registry, and reports on the `#include`
line the first error inside (a missing file is an error too: Csound stops with "Cannot open
#include'd file"). Nested includes are followed, cycles stopped (include guards make them legal),
and depth, file size and file count are bounded.

The same reading gives what the included files define (macros, UDOs, global variables), so the
checks that stand down for a document with includes (an undefined macro, a global never assigned,
an unknown opcode) can run where every include was read (`included_definitions`).

Only `#include`s outside instrument and UDO bodies are followed: the editor's incremental analysis
sees those in its skeleton, so both analyses report the same (a document with an `#include` inside
a body counts as one whose includes could not all be read). Results are cached per file by its
modification time and size, so a keystroke costs one `stat` per include.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass

from tree_sitter import Node

from csound_lsp import environment
from csound_lsp.analysis.findings import Finding, Severity
from csound_lsp.analysis.syntax_errors import syntax_errors
from csound_lsp.analysis.variable_checks import macros_may_define
from csound_lsp.syntax.document import Document, Encoding
from csound_lsp.syntax.focus import full_model
from csound_lsp.syntax.languages import FileKind
from csound_lsp.syntax.model import DocumentModel, Include
from csound_lsp.syntax.store import ReadError, path_to_uri, read_source, uri_to_path

#: Deeper chains are not followed (Csound itself stops at "Includes nested too deeply").
MAX_DEPTH = 16
#: Included files larger than this are not analysed.
MAX_BYTES = 1024 * 1024
#: At most this many included files are analysed for one document.
MAX_FILES = 64
#: Past this many syntax errors an included file is not analysed further (as for documents).
_SEMANTIC_LIMIT = 50

#: Analyses a parsed included file: the registry's checks on its model (injected, so this module
#: does not import the registry that imports it).
Analyse = Callable[[DocumentModel], list[Finding]]


@dataclass(frozen=True)
class Problem:
    """The first error found in an included file (or in one it includes)."""

    #: The include chain from the file the `#include` names down to the file with the error.
    chain: tuple[str, ...]
    line: int | None
    message: str


@dataclass(frozen=True)
class Definitions:
    """What a set of included files defines."""

    macros: frozenset[str] = frozenset()
    udos: frozenset[str] = frozenset()
    globals: frozenset[str] = frozenset()

    def __or__(self, other: Definitions) -> Definitions:
        return Definitions(self.macros | other.macros, self.udos | other.udos, self.globals | other.globals)


@dataclass(frozen=True)
class FileResult:
    """An included file read with what it includes: its first error, and its definitions (None when
    something in it could not be read or may define more than we see, a macro call at the start of
    a statement for one)."""

    problem: Problem | None
    definitions: Definitions | None
    #: The file's last line where no line break ends it and it holds code: Csound reads it and the
    #: line after the `#include` as one line.
    unended: str | None = None


_UNREAD = FileResult(None, None)
_INCLUDE_WORD = re.compile(rb"#[ \t]*include")
_CACHE: dict[tuple[str, str, str], tuple[tuple[int, int], FileResult]] = {}
_CACHE_LOCK = threading.Lock()
_CACHE_MAX = 512


def include_findings(origin: str, model: DocumentModel, analyse: Analyse) -> list[Finding]:
    """An error for each top-level `#include` of `model` that Csound cannot read or that brings in
    an error; `origin` is the document's URI (nothing is checked for a document with no path)."""
    findings: list[Finding] = []
    if not model.includes:
        return findings
    for include, result in _followed(origin, model, analyse):
        if result is None:
            findings.append(_not_found(include))
        elif result.problem is not None:
            findings.append(_reported(include, result.problem))
        elif result.unended is not None and _has_code(_line_after(model.source, include.node.end_byte)):
            findings.append(
                _joined(include, result.unended, _line_after(model.source, include.node.end_byte))
            )
    return findings


def included_definitions(origin: str, model: DocumentModel, analyse: Analyse) -> Definitions | None:
    """What the document's includes define, or None unless every one of them was read in full."""
    if _home(origin) is None:
        return None  # an unsaved document: its includes cannot be looked for
    if len(_INCLUDE_WORD.findall(model.source)) != len(model.includes):
        return None  # an `#include` inside a body (or in a comment): not followed, so not known
    found = Definitions()
    for _include, result in _followed(origin, model, analyse):
        if result is None or result.definitions is None:
            return None
        found = found | result.definitions
    return found


def _followed(origin: str, model: DocumentModel, analyse: Analyse) -> list[tuple[Include, FileResult | None]]:
    """Each top-level, non-URL `#include` with what reading it gave (None: no such file)."""
    here = _home(origin)
    if here is None:
        return []
    root_folder = os.path.dirname(os.path.abspath(here))
    budget = [MAX_FILES]
    followed: list[tuple[Include, FileResult | None]] = []
    for include in model.includes:
        if _is_url(include.target) or _inside_item(include.node):
            followed.append((include, _UNREAD))  # not followed: what it brings is unknown
            continue
        kind = FileKind.SCO if _in_score(include.node) else FileKind.ORC
        path = resolve(include.target, root_folder, root_folder)
        if path is None:
            followed.append((include, None))
            continue
        chain = (os.path.abspath(here),)
        followed.append((include, _file_result(path, kind, root_folder, chain, analyse, budget)))
    return followed


def _home(origin: str) -> str | None:
    """The document's path, where it is a file on disk (includes are looked for beside it); None for
    an unsaved document or one whose URI names no file."""
    here = uri_to_path(origin) if origin else None
    return here if here and os.path.isfile(here) else None


def resolve(target: str, folder: str, root_folder: str) -> str | None:
    """Where Csound 6.18 finds an included file: beside the including file, beside the document,
    then in each `INCDIR` folder; None when it is in none of them."""
    expanded = os.path.expanduser(target.strip())
    if not expanded:
        return None
    if os.path.isabs(expanded):
        return os.path.normpath(expanded) if os.path.isfile(expanded) else None
    folders = [folder, root_folder]
    folders += environment.include_dirs()
    for candidate_folder in folders:
        candidate = os.path.normpath(os.path.join(candidate_folder, expanded))
        if os.path.isfile(candidate):
            return candidate
    return None


def _file_result(
    path: str,
    kind: FileKind,
    root_folder: str,
    chain: tuple[str, ...],
    analyse: Analyse,
    budget: list[int],
) -> FileResult:
    """The file at `path` and the files it includes, read and analysed (cached by mtime and size)."""
    if path in chain:
        return FileResult(None, Definitions())  # a cycle: legal behind include guards
    if len(chain) > MAX_DEPTH or budget[0] <= 0:
        return _UNREAD  # too deep, or enough files read for one document
    budget[0] -= 1
    try:
        stat = os.stat(path)
    except OSError:
        return _UNREAD
    key = (path, kind.value, root_folder)
    stamp = (stat.st_mtime_ns, stat.st_size)
    with _CACHE_LOCK:
        cached = _CACHE.get(key)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    found = _analyse_file(path, kind, root_folder, (*chain, path), analyse, budget, stat.st_size)
    if budget[0] > 0:  # a result cut short by the budget is not kept
        with _CACHE_LOCK:
            if len(_CACHE) >= _CACHE_MAX:
                _CACHE.clear()
            _CACHE[key] = (stamp, found)
    return found


def _analyse_file(
    path: str,
    kind: FileKind,
    root_folder: str,
    chain: tuple[str, ...],
    analyse: Analyse,
    budget: list[int],
    size: int,
) -> FileResult:
    name = os.path.basename(path)
    if size > MAX_BYTES:
        return _UNREAD
    try:
        decoded = read_source(path)
    except ReadError:
        return _UNREAD
    if decoded.is_binary:
        return _UNREAD
    document = Document(path_to_uri(path), decoded.text, kind=kind, encoding=Encoding.UTF32)
    model = full_model(document)
    syntax = syntax_errors(document.tree, document.source)
    errors = [f for f in syntax if f.severity == Severity.ERROR]
    if not errors and len(syntax) <= _SEMANTIC_LIMIT:
        errors = [f for f in analyse(model) if f.severity == Severity.ERROR]
    own = min(errors, key=lambda f: f.start_byte) if errors else None
    definitions: Definitions | None = _own_definitions(model)
    if len(_INCLUDE_WORD.findall(model.source)) != len(model.includes):
        definitions = None
    #: The first problem met through an include, with the line of that `#include` in this file.
    through: tuple[int, Problem] | None = None
    folder = os.path.dirname(path)
    for include in model.includes:
        if _is_url(include.target) or _inside_item(include.node):
            definitions = None
            continue
        at = document.index.position(include.ref.start_byte).line + 1
        nested_kind = FileKind.SCO if kind is FileKind.SCO or _in_score(include.node) else FileKind.ORC
        target = resolve(include.target, folder, root_folder)
        if target is None:
            definitions = None
            if through is None:
                through = (at, Problem((name,), at, f"cannot open included file '{include.target}'"))
            continue
        nested = _file_result(target, nested_kind, root_folder, chain, analyse, budget)
        if definitions is not None and nested.definitions is not None:
            definitions = definitions | nested.definitions
        else:
            definitions = None
        if through is None and nested.problem is not None:
            inner = nested.problem
            through = (at, Problem((name, *inner.chain), inner.line, inner.message))
    problem = through[1] if through is not None else None
    if own is not None:
        own_line = document.index.position(own.start_byte).line + 1
        if through is None or own_line < through[0]:
            problem = Problem((name,), own_line, own.message)
    return FileResult(problem, definitions, _unended(document.source))


def _own_definitions(model: DocumentModel) -> Definitions | None:
    """What one file defines; None where a macro call starts a statement (it may define anything)."""
    if macros_may_define(model.source, model.macro_uses):
        return None
    variables = model.global_scope.variables
    return Definitions(
        frozenset(model.macros),
        frozenset(model.udos),
        frozenset(n for n, v in variables.items() if v.definitions),
    )


def _reported(include: Include, problem: Problem) -> Finding:
    where = f"'{problem.chain[-1]}'" + (f" line {problem.line}" if problem.line is not None else "")
    via = f" (through {' -> '.join(problem.chain[:-1])})" if len(problem.chain) > 1 else ""
    return Finding(
        include.ref.start_byte,
        include.ref.end_byte,
        Severity.ERROR,
        "included-file-error",
        f"error in the included file {where}{via}: {problem.message}",
        data={"chain": list(problem.chain), "line": problem.line},
    )


def _unended(source: bytes) -> str | None:
    """The last line when no line break ends the file and the line holds code."""
    if not source or source.endswith((b"\n", b"\r")):
        return None
    last = source[max(source.rfind(b"\n"), source.rfind(b"\r")) + 1 :].decode("utf-8", "replace")
    return last.strip() if _has_code(last) else None


def _line_after(source: bytes, offset: int) -> str:
    """The line after the one holding `offset`."""
    newline = source.find(b"\n", offset)
    if newline == -1:
        return ""
    end = source.find(b"\n", newline + 1)
    return source[newline + 1 : end if end != -1 else len(source)].decode("utf-8", "replace")


def _has_code(line: str) -> bool:
    text = line.strip()
    return bool(text) and not text.startswith((";", "//", "/*"))


def _joined(include: Include, last: str, after: str) -> Finding:
    return Finding(
        include.ref.start_byte,
        include.ref.end_byte,
        Severity.ERROR,
        "included-file-error",
        f"'{os.path.basename(include.target)}' does not end with a line break, so Csound reads its last "
        f"line '{_short(last)}' and the next line here '{_short(after.strip())}' as one line",
    )


def _short(text: str) -> str:
    return text if len(text) <= 30 else text[:30] + "..."


def _not_found(include: Include) -> Finding:
    return Finding(
        include.ref.start_byte,
        include.ref.end_byte,
        Severity.ERROR,
        "include-not-found",
        f"cannot open included file '{include.target}': it is not beside this file (nor in INCDIR), "
        "and Csound stops there",
    )


def _is_url(target: str) -> bool:
    return target.lower().startswith(("http:", "https:", "ftp:"))


def _inside_item(node: Node) -> bool:
    current = node.parent
    while current is not None:
        if current.type in ("instrument_definition", "udo_definition"):
            return True
        current = current.parent
    return False


def _in_score(node: Node) -> bool:
    current: Node | None = node
    while current is not None:
        if current.type in ("score_section", "score"):
            return True
        current = current.parent
    return False
