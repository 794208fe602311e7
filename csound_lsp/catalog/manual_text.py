"""The Csound manual's own words about each opcode, read from the user's installed copy when there is one.

Debian's csound-doc puts one HTML page per opcode under `/usr/share/doc/csound-doc/html`. Its purpose line
and the first paragraph of its Description widen what a musician's words can meet when a query is matched
against what opcodes do. Nothing of it ships with csound-lsp: it is read at run time, from the user's disk.
"""

from __future__ import annotations

import html
import logging
import re
from functools import cache
from pathlib import Path

log = logging.getLogger(__name__)

MANUAL_HTML = Path("/usr/share/doc/csound-doc/html")
#: Words of the Description kept per opcode: its first sentences say what it is for.
MAX_WORDS = 60


_PURPOSE = re.compile(r'<div class="refnamediv">.*?<p>(.*?)</p>', re.DOTALL)
_DESCRIPTION = re.compile(r"<h2>\s*Description\s*</h2>\s*<p>(.*?)</p>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def _plain(fragment: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


def page_text(page: str) -> str:
    """The purpose line (without the opcode's name) and the start of the Description, as plain words."""
    purpose_match = _PURPOSE.search(page)
    description_match = _DESCRIPTION.search(page)
    purpose = _plain(purpose_match.group(1)) if purpose_match else ""
    purpose = re.sub(r"^\S+\s+[—-]\s*", "", purpose)
    words = _plain(description_match.group(1)).split() if description_match else []
    return " ".join([purpose, *words[:MAX_WORDS]]).strip()


@cache
def manual_texts(folder: Path = MANUAL_HTML, names: frozenset[str] | None = None) -> dict[str, str]:
    """Opcode name -> the manual's words about it, for the opcodes in `names` (all pages when None);
    empty when the manual is not installed. Never raises."""
    if not folder.is_dir():
        return {}
    texts: dict[str, str] = {}
    for path in folder.glob("*.html"):
        name = path.stem
        if names is not None and name not in names:
            continue
        try:
            text = page_text(path.read_text(encoding="utf-8", errors="replace"))
        except (OSError, ValueError) as error:
            log.debug("manual page %s unreadable: %s", path, error)
            continue
        if text:
            texts[name] = text
    return texts
