"""The installed manual's words about an opcode: read from its HTML page, nothing when it is absent."""

from __future__ import annotations

from pathlib import Path

from csound_lsp.catalog.manual_text import manual_texts, page_text

PAGE = """<html><body>
<div class="refnamediv"><h2><span class="refentrytitle">wobble</span></h2>
<p>wobble &#8212; Makes a tone that sways&nbsp;slowly.</p></div>
<div class="refsect1"><h2>Description</h2>
<p><span class="emphasis"><em>wobble</em></span> moves the pitch of <em>asig</em> up and down.</p></div>
<div class="refsect1"><h2>Syntax</h2><p>not this</p></div>
</body></html>"""


def test_purpose_and_description_become_plain_words() -> None:
    assert page_text(PAGE) == "Makes a tone that sways slowly. wobble moves the pitch of asig up and down."


def test_pages_are_read_for_the_names_asked_and_never_fail(tmp_path: Path) -> None:
    (tmp_path / "wobble.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "other.html").write_text(PAGE.replace("wobble", "other"), encoding="utf-8")
    (tmp_path / "broken.html").write_bytes(b"\xff\xfe<p>")
    found = manual_texts(tmp_path, frozenset({"wobble", "broken"}))
    assert list(found) == ["wobble"] and "sways slowly" in found["wobble"]
    assert manual_texts(tmp_path / "absent") == {}
