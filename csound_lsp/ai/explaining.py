"""Explain: an answer that goes to a panel or a Markdown document, or into the file as `;` comments.

Explain never edits code. What the model wrote is cleaned first (`junk.clean_explanation`): lines that
recite the prompt, section tags, code fences and copied code lines are dropped; an answer with nothing
left is reported as empty (`ExplainResult.empty`), never passed off as an explanation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from csound_lsp.catalog import default_catalog
from csound_lsp.catalog.cheatsheet import cheat_entry

from .ailog import AILog
from .chatting import OnToken, Timings, chat, fit, instructions_of, log_chat, retrieve
from .filters import comment_lines
from .grounding import Retrieval, Retriever, opcodes_in, signature_lines
from .junk import clean_explanation
from .prompts import explain_messages
from .scope import header_of, shrink_to

if TYPE_CHECKING:
    from .service import AIService

EXPLAIN_TOKENS = 600
EMPTY = "_The model gave no usable explanation (it repeated the prompt or wrote only code)._"


@dataclass(frozen=True)
class ExplainResult:
    markdown: str
    #: The same explanation as `;` comment lines, ready to insert above the code ("" when empty).
    comments: str
    #: True when nothing of the model's answer was worth showing.
    empty: bool = False


def opcode_facts(names: list[str]) -> list[str]:
    """Markdown list items for the opcodes used: name, description when we have one, first signature."""
    catalog = default_catalog()
    facts = []
    for name in names:
        opcode = catalog.get(name)
        if opcode is None:
            continue
        entry = cheat_entry(name)
        forms = [o.signature(name) for o in opcode.overloads if not o.deprecated][:1]
        described = entry.description.strip() if entry is not None and entry.description else ""
        signature = f"`{forms[0]}`" if forms else ""
        body = " ".join(part for part in (described, signature) if part)
        facts.append(f"- `{name}`: {body}" if body else f"- `{name}`")
    return facts


def _code_for(text: str) -> str:
    """The code as sent: a whole file keeps its header and the items that fit (cut later if needed)."""
    if "<csinstruments>" not in text.lower():
        return text
    header = header_of(text)
    start = text.lower().find("<csinstruments>")
    end = text.lower().find("</csinstruments>")
    orchestra = text[start + len("<csinstruments>") : end if end > start else len(text)].strip("\n")
    return orchestra if header and header.splitlines()[0] in orchestra else f"{header}\n{orchestra}"


async def explain(
    text: str,
    *,
    path: str | None,
    service: AIService,
    on_token: OnToken | None = None,
    retriever: Retriever | None = None,
    log: AILog | None = None,
    indent: str = "",
) -> ExplainResult:
    """An explanation of a selection, instrument, UDO or opcode line, grounded in the catalog."""
    timings = Timings()
    names = opcodes_in(text)
    signatures = signature_lines(names[:10])
    retrieval = Retrieval()
    if names:
        retrieval = await retrieve(retriever, service, " ".join(names[:6]), top=1)
    timings.retrieval_ms = retrieval.seconds * 1000
    examples = [example.text for example in retrieval.examples]
    messages, _ = await fit(
        service,
        lambda s, e, c: explain_messages(c, s, e),
        signatures,
        examples,
        _code_for(text),
        max_tokens=EXPLAIN_TOKENS,
        shrink=shrink_to,
    )
    answered = ""
    try:
        answer = await chat(
            service, messages, on_token=on_token, max_tokens=EXPLAIN_TOKENS, timings=timings, lane="explain"
        )
        answered = "junk: " + answer.junk if answer.junk else "answered"
    finally:
        log_chat(
            service,
            log,
            "explain",
            timings,
            retrieval,
            outcome=answered or None,
            error=None if answered else "failed",
        )
    body = clean_explanation(_unwrap_markdown(answer.text), instructions_of(messages), text)
    if not body:
        return ExplainResult(EMPTY, "", empty=True)
    facts = opcode_facts(names[:10])
    markdown = body + ("\n\n**Opcodes** (from the Csound catalog)\n" + "\n".join(facts) if facts else "")
    return ExplainResult(markdown, comment_lines(markdown, indent=indent))


def _unwrap_markdown(answer: str) -> str:
    """An answer wholly wrapped in a ```markdown fence, unwrapped."""
    match = re.fullmatch(r"\s*```(?:markdown|md)?\s*\n(.*?)\n\s*```\s*", answer, re.S)
    return match.group(1) if match else answer
