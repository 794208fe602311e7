"""Golden tests for the AI post-filters: what a model wrote in, what the editor may show out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from csound_lsp.ai.filters import (
    InlineContext,
    comment_lines,
    extract_code,
    extract_score,
    filter_inline,
)

GOLDEN = json.loads((Path(__file__).parent / "data" / "ai" / "inline_filter_golden.json").read_text())


def _context(raw: dict[str, Any]) -> InlineContext:
    values = dict(raw)
    if "following" in values:
        values["following"] = tuple(values["following"])
    return InlineContext(**values)


@pytest.mark.parametrize("case", GOLDEN, ids=[case["name"] for case in GOLDEN])
def test_inline_golden(case: dict[str, Any]) -> None:
    assert filter_inline(case["raw"], _context(case["context"])).text == case["expected"]


def test_streaming_prefixes_never_show_more_than_the_final_text() -> None:
    """Fed chunk by chunk, the filter's text is always a prefix of what it shows at the end, and it
    says `complete` as soon as a stop condition is in sight."""
    raw = " 0.5, 440\n  outs aSig, aSig\nendin\n```\nThis is how it works."
    context = InlineContext(closed_below=False)
    final = filter_inline(raw, context).text
    completed_at = None
    for end in range(1, len(raw) + 1):
        result = filter_inline(raw[:end], context)
        if result.complete and completed_at is None:
            completed_at = end
        if "\n" in raw[:end] and result.complete:
            assert final.startswith(result.text)
    assert final == " 0.5, 440\n  outs aSig, aSig\nendin"
    assert completed_at is not None and completed_at < len(raw)


def test_extract_code_prefers_the_csound_block() -> None:
    answer = "Sure! Here it is:\n```score\ni 1 0 1\n```\n```csound\ninstr 1\n  out 0\nendin\n```\nEnjoy."
    assert extract_code(answer) == "instr 1\n  out 0\nendin"
    assert extract_score(answer) == "i 1 0 1"


def test_extract_code_without_fences_drops_prose() -> None:
    answer = "Here is the instrument you asked for.\ninstr 1\n  out 0\nendin"
    assert extract_code(answer) == "instr 1\n  out 0\nendin"


def test_comment_lines_turn_markdown_into_csound_comments() -> None:
    text = comment_lines("# Pad\nA **warm** pad with `madsr`.\n```csound\nout a1\n```\n", indent="  ")
    assert text == "  ; Pad\n  ; A warm pad with madsr.\n  ; out a1\n"
    assert all(line.lstrip().startswith(";") for line in text.splitlines())
