"""Csound files from disk as text: UTF-8 when they are, else the 8-bit encodings old pieces were written in.

Pieces from the 1990s and 2000s are often Latin-1 or Windows-1252 (accented names in comments, `©` in
headers, `µ` in strings). Replacing their bytes with U+FFFD loses those characters in every message and AI
prompt, so such files are decoded as Windows-1252 (a superset of Latin-1's printable range), with the five
bytes it leaves undefined taken as Latin-1. A CSD may also carry raw binary data in a section Csound reads as
bytes (an embedded MIDI or sound file): that section's body is blanked, lines kept, and reported, so the
text sections are still checked.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

#: Sections whose bodies Csound reads as text; anything else may hold raw bytes.
_TEXT_SECTIONS = frozenset({"csoundsynthesizer", "csinstruments", "csorchestra", "csscore", "csoptions"})
_SECTION = re.compile(rb"<(Cs(?!oundSynthesizer\b)\w+)\b[^>\n]*>(.*?)</\1\s*>", re.DOTALL | re.IGNORECASE)
#: Control bytes that never occur in Csound text (tab, line breaks and form feed do).
_BINARY_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


@dataclass(frozen=True)
class SkippedSection:
    tag: str
    first_line: int  # 1-based
    last_line: int


@dataclass(frozen=True)
class DecodedText:
    text: str
    #: "utf-8", "windows-1252" (8-bit text read as such) or "binary" (not text at all).
    encoding: str
    #: Sections of raw bytes blanked before decoding.
    skipped: tuple[SkippedSection, ...] = field(default=())

    @property
    def is_binary(self) -> bool:
        return self.encoding == "binary"

    def notes(self, path: str) -> list[str]:
        """What a user should be told about how the file was read (nothing for plain UTF-8)."""
        notes = []
        if self.encoding == "windows-1252":
            notes.append(f"{path}: not UTF-8; read as Windows-1252 (Latin-1)")
        for section in self.skipped:
            notes.append(
                f"{path}: <{section.tag}> (lines {section.first_line}-{section.last_line}) holds binary data;"
                " it was left out of the check"
            )
        if self.is_binary:
            notes.append(f"{path}: looks like a binary file, skipped")
        return notes


def decode_csound(data: bytes) -> DecodedText:
    """The text of a Csound file, however it was written; never raises."""
    data, skipped = _blank_binary_sections(data)
    if _BINARY_BYTES.search(data):
        return DecodedText(data.decode("latin-1"), "binary", skipped)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return DecodedText(data.decode("utf-8"), "utf-8", skipped)
    except UnicodeDecodeError:
        return DecodedText(_windows_1252(data), "windows-1252", skipped)


def _latin1_for_undefined(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return error.object[error.start : error.end].decode("latin-1"), error.end


codecs.register_error("csound-lsp-latin1", _latin1_for_undefined)


def _windows_1252(data: bytes) -> str:
    # cp1252 leaves 0x81, 0x8D, 0x8F, 0x90, 0x9D undefined: those are taken as Latin-1 (C1 controls).
    return data.decode("cp1252", errors="csound-lsp-latin1")


def _blank_binary_sections(data: bytes) -> tuple[bytes, tuple[SkippedSection, ...]]:
    if not _BINARY_BYTES.search(data) or b"<cs" not in data.lower():
        return data, ()
    out = bytearray(data)
    skipped: list[SkippedSection] = []
    for match in _SECTION.finditer(data):
        tag = match.group(1).decode("ascii", "replace")
        start, end = match.span(2)
        if tag.lower() in _TEXT_SECTIONS or not _BINARY_BYTES.search(data, start, end):
            continue
        for i in range(start, end):
            if out[i] not in b"\r\n":
                out[i] = 0x20
        first = data.count(b"\n", 0, match.start()) + 1
        skipped.append(SkippedSection(tag, first, first + data.count(b"\n", match.start(), match.end())))
    return bytes(out), tuple(skipped)
