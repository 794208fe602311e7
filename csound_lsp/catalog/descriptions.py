"""A short description of every opcode, in our words, for search and for prompts.

Two sources, the first winning: the cheat sheet (``data/cheatsheet``, ~400 opcodes with arguments
and examples) and the short descriptions in ``data/descriptions/*.json`` for the rest. Each of those
files is a JSON object ``{category: {opcode name: description}}`` with categories from
``cheatsheet.CATEGORIES``. Retrieval puts these sentences into chunk headers and matches queries
against them, because users ask in words ("a filter that screams") and code is mostly names.

Conventions the tests enforce (``validate_descriptions``): the opcode must exist in the catalog,
another opcode is named only in backticks and must exist too, a rate is written ``a-rate``,
``k-rate`` or ``i-rate``, and a description is one sentence of a few words to a couple of dozen.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from csound_lsp.catalog._data import DATA_DIR, DataFileError, Lazy, read_json

DESCRIPTIONS_DIR = DATA_DIR / "descriptions"
MIN_WORDS = 4
MAX_WORDS = 40
_BACKTICKED = re.compile(r"`([^`]+)`")
_RATE = re.compile(r"\b([A-Za-z])-rate\b")
#: A word that looks like code (``vco2``, ``zdf_ladder``, ``pvsBlur``) must be an opcode name.
_CODE_LIKE = re.compile(r"(?<![\w`-])(?=\w{3,})[a-z]+[A-Z0-9_]\w*")
VALID_RATES = frozenset("aki")


@dataclass(frozen=True, slots=True)
class Description:
    opcode: str
    category: str
    text: str
    #: "cheatsheet" or the descriptions file it came from.
    source: str


def _load_files(folder: Path = DESCRIPTIONS_DIR) -> dict[str, Description]:
    found: dict[str, Description] = {}
    if not folder.is_dir():
        return found
    for path in sorted(folder.glob("*.json")):
        data = read_json(path)
        if not isinstance(data, dict):
            raise DataFileError(f"{path}: expected an object of categories")
        for category, entries in data.items():
            if not isinstance(entries, dict):
                raise DataFileError(f"{path}: category {category!r} must map names to descriptions")
            for name, text in entries.items():
                if not isinstance(text, str):
                    raise DataFileError(f"{path}: {name} must have a string description")
                if name in found:
                    raise DataFileError(f"{path}: {name} is also described in {found[name].source}")
                found[name] = Description(name, str(category), text.strip(), path.name)
    return found


def _build() -> dict[str, Description]:
    from csound_lsp.catalog.cheatsheet import cheatsheet

    merged = dict(_load_files())
    for name, entry in cheatsheet().items():
        merged[name] = Description(name, entry.category, entry.description, "cheatsheet")
    return merged


_all = Lazy(_build)


def descriptions() -> Mapping[str, Description]:
    """Every described opcode by name (cheat sheet first, then our short descriptions)."""
    return _all.get()


def description_text(name: str) -> str | None:
    found = descriptions().get(name)
    return found.text if found is not None else None


def validate_descriptions(
    known: Mapping[str, object] | frozenset[str] | set[str], folder: Path = DESCRIPTIONS_DIR
) -> list[str]:
    """Problems in words: unknown opcodes (described or named), bad rates, bad categories, length."""
    from csound_lsp.catalog.cheatsheet import CATEGORIES, cheatsheet

    problems: list[str] = []
    sheet = cheatsheet()
    for name, found in _load_files(folder).items():
        where = f"{found.source}: {name}"
        if name not in known:
            problems.append(f"{where}: not an opcode of the catalog")
        if name in sheet:
            problems.append(f"{where}: already described by the cheat sheet")
        if found.category not in CATEGORIES:
            problems.append(f"{where}: unknown category {found.category!r}")
        for named in _BACKTICKED.findall(found.text):
            if named not in known:
                problems.append(f"{where}: names {named!r}, which is not an opcode")
        for named in _CODE_LIKE.findall(_BACKTICKED.sub("", found.text)):
            if named not in known:
                problems.append(f"{where}: {named!r} looks like an opcode name but is not one")
        for letter in _RATE.findall(found.text):
            if letter not in VALID_RATES:
                problems.append(f"{where}: names a {letter}-rate, which Csound does not have")
        words = len(found.text.split())
        if not MIN_WORDS <= words <= MAX_WORDS:
            problems.append(f"{where}: {words} words, expected {MIN_WORDS} to {MAX_WORDS}")
    return problems


VOCABULARY_JSON = DATA_DIR / "opcode_vocabulary.json"
#: A vocabulary phrase is what a user types for the opcode's job: a few lower-case words.
MAX_PHRASE_WORDS = 6
MAX_PHRASE_CHARS = 40
_PHRASE = re.compile(r"[a-z0-9][a-z0-9 .-]*")


def _load_vocabulary(path: Path = VOCABULARY_JSON) -> dict[str, tuple[str, ...]]:
    data = read_json(path)
    entries = data.get("opcodes") if isinstance(data, dict) else None
    if not isinstance(entries, dict):
        raise DataFileError(f"{path}: expected an object with 'opcodes'")
    found: dict[str, tuple[str, ...]] = {}
    for name, phrases in entries.items():
        if not isinstance(phrases, list) or not all(isinstance(p, str) for p in phrases):
            raise DataFileError(f"{path}: {name} must have a list of phrases")
        found[str(name)] = tuple(phrases)
    return found


_vocabulary = Lazy(_load_vocabulary)


def vocabulary() -> Mapping[str, tuple[str, ...]]:
    """Musicians' words per opcode ("muffle", "cut the highs" for a low-pass), written blind:
    by someone who read only our descriptions and cheat sheet, never a query set."""
    return _vocabulary.get()


def validate_vocabulary(
    known: Mapping[str, object] | frozenset[str] | set[str], path: Path = VOCABULARY_JSON
) -> list[str]:
    """Problems in the vocabulary: unknown opcodes, phrases that are not a few lower-case words."""
    problems: list[str] = []
    for name, phrases in _load_vocabulary(path).items():
        if name not in known:
            problems.append(f"{name}: not an opcode of the catalog")
        if not phrases:
            problems.append(f"{name}: no phrases")
        if len(set(phrases)) != len(phrases):
            problems.append(f"{name}: a phrase is listed twice")
        for phrase in phrases:
            if phrase != phrase.strip() or "  " in phrase or not _PHRASE.fullmatch(phrase):
                problems.append(f"{name}: {phrase!r} is not plain lower-case words")
            if len(phrase.split()) > MAX_PHRASE_WORDS or len(phrase) > MAX_PHRASE_CHARS:
                problems.append(f"{name}: {phrase!r} is longer than a short phrase")
    return problems
