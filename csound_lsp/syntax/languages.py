"""The three Csound languages (csd, orc, sco) compiled into our extension, and how files map onto them."""

from __future__ import annotations

import enum
from functools import cache
from pathlib import PurePath

from tree_sitter import Language, Node, Parser, Query

from csound_lsp import _binding


class FileKind(enum.Enum):
    """Which grammar a file is parsed with."""

    CSD = "csd"
    ORC = "orc"
    SCO = "sco"


_SUFFIXES = {
    ".csd": FileKind.CSD,
    ".orc": FileKind.ORC,
    ".udo": FileKind.ORC,
    ".inc": FileKind.ORC,
    ".sco": FileKind.SCO,
}

_LANGUAGE_IDS = {
    "csound-csd": FileKind.CSD,
    "csound-orc": FileKind.ORC,
    "csound-udo": FileKind.ORC,
    "csound-sco": FileKind.SCO,
}

CSOUND_SUFFIXES = frozenset(_SUFFIXES)

#: Words our grammar reserves as keywords (its scanner never reads them as opcode names).
KEYWORDS = frozenset(
    {
        "instr", "endin", "opcode", "endop", "struct", "if", "then", "ithen", "kthen", "elseif",
        "else", "endif", "fi", "while", "until", "do", "od", "goto", "igoto", "kgoto", "void",
    }
)  # fmt: skip


def kind_for(path_or_uri: str, language_id: str | None = None) -> FileKind:
    """Picks the grammar by file suffix first; the client's languageId only breaks ties.

    A plain `csound` languageId says nothing about the dialect, so the suffix decides, and an
    unknown suffix with that id is treated as a whole CSD, the most common Csound file.
    """
    suffix = PurePath(path_or_uri.split("?", 1)[0]).suffix.lower()
    if suffix in _SUFFIXES:
        return _SUFFIXES[suffix]
    if language_id in _LANGUAGE_IDS:
        return _LANGUAGE_IDS[language_id]
    return FileKind.CSD


def is_csound_path(path: str) -> bool:
    return PurePath(path).suffix.lower() in _SUFFIXES


@cache
def language(kind: FileKind) -> Language:
    capsule = {
        FileKind.CSD: _binding.language_csd,
        FileKind.ORC: _binding.language_orc,
        FileKind.SCO: _binding.language_sco,
    }[kind]()
    return Language(capsule)


_ROOT_KINDS = {"csd_document": FileKind.CSD, "orchestra": FileKind.ORC, "score": FileKind.SCO}
_QUERIES: dict[tuple[FileKind, str], Query] = {}


def query_for(root: Node, pattern: str) -> Query:
    """A compiled query for the language of the tree whose root is `root`, made once per language
    and pattern (a query walks a subtree in C, where a Python walk visits every node)."""
    key = (_ROOT_KINDS.get(root.type, FileKind.CSD), pattern)
    query = _QUERIES.get(key)
    if query is None:
        query = _QUERIES.setdefault(key, Query(language(key[0]), pattern))
    return query


def new_parser(kind: FileKind) -> Parser:
    """A fresh parser: parsers hold state, so each document owns its own."""
    return Parser(language(kind))
