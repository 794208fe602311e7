"""Helpers shared by the navigation, symbol, token and formatting tests."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.conftest import open_document

NAV_DATA = Path(__file__).resolve().parent / "data" / "navigation"
MAIN = NAV_DATA / "main.csd"
LIB = NAV_DATA / "lib.udo"


def position_of(text: str, line_containing: str, word: str, nth: int = 0) -> types.Position:
    """The position of `word` on the first line that contains `line_containing` (its nth occurrence)."""
    for number, line in enumerate(text.splitlines()):
        if line_containing in line:
            column = -1
            for _ in range(nth + 1):
                column = line.index(word, column + 1)
            return types.Position(line=number, character=column)
    raise AssertionError(f"no line contains {line_containing!r}")


def covered(text: str, range_: types.Range) -> str:
    """The text a single-line range covers."""
    assert range_.start.line == range_.end.line
    return text.splitlines()[range_.start.line][range_.start.character : range_.end.character]


async def open_text(client: LanguageClient, uri: str, text: str) -> None:
    await open_document(client, uri, text)


async def open_main(client: LanguageClient) -> tuple[str, str]:
    text = MAIN.read_text()
    uri = MAIN.as_uri()
    await open_document(client, uri, text)
    return uri, text
