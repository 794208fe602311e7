"""The bundled corpus as training material: each piece with its metadata and its parts.

A piece is split the way the assistant's answers are shaped: the orchestra header (`sr`, `ksmps`,
`nchnls`, `0dbfs`...), the orchestra body without that header, the score, and its units
(instruments and user opcodes), so a pair can ask for or explain any of them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["HEADER_LINE", "Piece", "Unit", "corpus_dir", "load_pieces"]

HEADER_LINE = re.compile(r"^[ \t]*(sr|kr|ksmps|nchnls|nchnls_i|0dbfs|A4)[ \t]*=.*$", re.M)
_SECTION = r"<{0}\b[^>]*>(.*?)</{0}>"
_UNIT_START = re.compile(r"^[ \t]*(instr|opcode)[ \t]+([^\s,;]+)", re.M)
_UNIT_END = re.compile(r"^[ \t]*(endin|endop)\b", re.M)


@dataclass(frozen=True)
class Unit:
    """An instrument or UDO: `kind` is "instr" or "opcode"; lines are 0-based, `end_line` inclusive."""

    kind: str
    name: str
    start_line: int
    end_line: int
    text: str


@dataclass(frozen=True)
class Piece:
    id: str
    path: Path
    title: str
    tags: tuple[str, ...]
    description: str
    text: str

    def section(self, name: str) -> str:
        match = re.search(_SECTION.format(name), self.text, re.S | re.I)
        return match.group(1) if match else ""

    @property
    def header(self) -> str:
        """The orchestra header lines, one per line."""
        return (
            "\n".join(m.group(0).strip() for m in HEADER_LINE.finditer(self.section("CsInstruments"))) + "\n"
        )

    @property
    def orchestra(self) -> str:
        """The orchestra without its header lines, tidied of the blank lines they leave."""
        body = HEADER_LINE.sub("", self.section("CsInstruments"))
        return re.sub(r"\n{3,}", "\n\n", body).strip() + "\n"

    @property
    def score(self) -> str:
        return self.section("CsScore").strip() + "\n"

    def units(self) -> list[Unit]:
        lines = self.text.splitlines()
        found: list[Unit] = []
        start: tuple[int, str, str] | None = None
        for index, line in enumerate(lines):
            opening = _UNIT_START.match(line)
            if opening:
                start = (index, opening.group(1), opening.group(2))
            elif _UNIT_END.match(line) and start is not None:
                first, kind, name = start
                found.append(Unit(kind, name, first, index, "\n".join(lines[first : index + 1]) + "\n"))
                start = None
        return found


def corpus_dir() -> Path | None:
    from csound_lsp.retrieval.sources import bundled_corpus_dir

    return bundled_corpus_dir()


def load_pieces(folder: Path | None = None) -> list[Piece]:
    """Every piece listed in the corpus index that exists, sorted by id; raises OSError/ValueError."""
    folder = folder if folder is not None else corpus_dir()
    if folder is None:
        raise OSError("the Csound corpus was not found (corpus/index.json)")
    files = [folder / "index.json"]
    if not files[0].is_file():
        files = sorted(folder.glob("index-*.json"))
    if not files:
        raise OSError(f"{folder}: no index.json")
    pieces: list[Piece] = []
    for file in files:
        entries = json.loads(file.read_text(encoding="utf-8"))
        if not isinstance(entries, list):
            raise ValueError(f"{file}: expected a JSON list")
        for entry in entries:
            path = folder / str(entry["path"])
            if not path.is_file():
                continue
            pieces.append(
                Piece(
                    id=str(entry["id"]),
                    path=path.resolve(),
                    title=str(entry.get("title", "")).strip(),
                    tags=tuple(str(tag) for tag in entry.get("tags", [])),
                    description=str(entry.get("description", "")).strip(),
                    text=path.read_text(encoding="utf-8"),
                )
            )
    return sorted(pieces, key=lambda piece: piece.id)
