"""Position mapping between LSP client units and tree-sitter bytes, with non-ASCII text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from csound_lsp.syntax.lines import Encoding, LineIndex, Position

TEXT = 'instr 1 ; café ☕ 𝄞\n  prints "é𝄞"\r\nendin\n'


def test_ascii_positions_are_byte_columns() -> None:
    index = LineIndex(b"abc\ndef\n")
    assert index.offset(Position(1, 2)) == 6
    assert index.position(6) == Position(1, 2)


def test_utf16_counts_surrogate_pairs_as_two_units() -> None:
    source = TEXT.encode()
    index = LineIndex(source, Encoding.UTF16)
    line0 = TEXT.splitlines()[0]
    # '𝄞' (U+1D11E) is two UTF-16 units and four UTF-8 bytes.
    clef = line0.index("𝄞")
    units_before = len(line0[:clef].encode("utf-16-le")) // 2
    assert index.offset(Position(0, units_before)) == len(line0[:clef].encode())
    assert index.position(len(line0[:clef].encode())) == Position(0, units_before)
    assert index.offset(Position(0, units_before + 2)) == len(line0.encode())


def test_utf8_and_utf32_units() -> None:
    source = TEXT.encode()
    line1 = TEXT.split("\n")[1].rstrip("\r")
    start = source.index(b"  prints")
    quote = line1.index('"')
    for encoding, units in (
        (Encoding.UTF8, len(line1[: quote + 2].encode())),
        (Encoding.UTF32, quote + 2),
    ):
        index = LineIndex(source, encoding)
        assert index.offset(Position(1, units)) == start + len(line1[: quote + 2].encode())


def test_crlf_lines_and_clamping() -> None:
    index = LineIndex(TEXT.encode())
    assert index.line_count == 4
    assert index.line_bytes(1).endswith(b'"')
    # Past the end of a line clamps to its end, past the last line to the end of the text.
    assert index.offset(Position(2, 99)) == TEXT.encode().index(b"endin") + 5
    assert index.offset(Position(99, 0)) == len(TEXT.encode())
    # A line the text does not have (a request about an older version) has no bytes.
    assert index.line_bytes(99) == b"" and index.line_bytes(-1) == b""


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_round_trip_every_character_boundary(text: str) -> None:
    source = text.encode()
    for encoding in Encoding:
        index = LineIndex(source, encoding)
        offset = 0
        previous = ""
        for char in text:
            # Between the \r and \n of a CRLF is no position a client can name.
            if not (previous == "\r" and char == "\n"):
                position = index.position(offset)
                assert index.offset(position) == offset
            offset += len(char.encode())
            previous = char


@given(st.lists(st.sampled_from(["a", "é", "\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x85", "\u2028"])))
def test_line_starts_are_after_lsp_line_ends_only(parts: list[str]) -> None:
    """Only \\r\\n, \\r and \\n end a line (LSP), whatever else str.splitlines would split on."""
    import re

    source = "".join(parts).encode()
    expected = [0, *(m.end() for m in re.finditer(rb"\r\n|\r|\n", source))]
    assert LineIndex(source).line_starts == expected
