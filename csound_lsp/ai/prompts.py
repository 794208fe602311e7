"""Our prompts for explain, fix and generate, and the pieces every prompt shares.

Small local models invent opcodes, mix rates and forget the header; the rules below say the few
things that most often go wrong, in the words a Csound teacher would use. Grounding (catalog
signatures, retrieved examples) is passed in by the caller so that this module stays pure text.
"""

from __future__ import annotations

from collections.abc import Sequence

from .base import ChatMessage

CSOUND_RULES = """\
Rules for Csound code:
- Rates: names starting with a are audio rate, k control rate, i init time, S strings, f spectral; \
g in front makes a global (gaSend). An opcode writes the rate its name is given, and an i-rate \
argument cannot take a k- or a-rate value.
- A CSD has <CsoundSynthesizer>, <CsOptions>, <CsInstruments> and <CsScore>. The orchestra header \
sets sr, ksmps, nchnls and always 0dbfs = 1, so amplitudes run from 0 to 1.
- Instruments are `instr N` (or a name) ... `endin`; user opcodes are `opcode Name, outtypes, \
intypes` ... `endop`. p3 is the note's duration, p4 onwards the score's own fields.
- Use only opcodes that exist in Csound 6; never invent one. Prefer common ones: oscili, vco2, \
poscil, madsr, linsegr, moogladder, butterlp, reverbsc, outs, out.
- Score lines: `i instrument start duration p4 ...`; f-tables: `f number 0 size gen args`.
- Comments start with ;. Write plain Csound, no other language."""

EXPLAIN_SYSTEM = (
    "You explain Csound code to a musician who is learning it. Be concrete and brief: what the code "
    "does as sound, then how the signal flows, naming each opcode and what its arguments set. Use "
    "only the facts given about opcodes; when unsure, say so. Answer in Markdown, at most 12 lines, "
    "without repeating the code.\n\n" + CSOUND_RULES
)

FIX_SYSTEM = (
    "You repair Csound code. You get the code with line numbers and the errors Csound and our checker "
    "report. Change as little as possible, keep the user's names and layout, and answer with the "
    "corrected lines in one ```csound block, nothing else.\n\n" + CSOUND_RULES
)

GENERATE_SYSTEM = (
    "You write Csound instruments from a description. Answer with one ```csound block holding the "
    "instrument (instr ... endin, with any global variables or f-tables it needs above it), then "
    "optionally one ```score block with a few score lines that play it. No other text.\n\n" + CSOUND_RULES
)


def numbered(text: str, first: int = 1) -> str:
    """Code with line numbers, so that error messages and the model agree on where things are."""
    lines = text.splitlines()
    width = len(str(first + len(lines)))
    return "\n".join(f"{n:>{width}} | {line}" for n, line in enumerate(lines, first))


def grounding_block(signatures: Sequence[str], examples: Sequence[str]) -> str:
    """Opcode facts and retrieved examples as one block of text for a chat prompt."""
    parts: list[str] = []
    if signatures:
        parts.append("Opcode facts (from Csound's own catalog):\n" + "\n".join(f"- {s}" for s in signatures))
    if examples:
        joined = "\n\n".join(f"```csound\n{example.strip()}\n```" for example in examples)
        parts.append("Examples from the Csound corpus (for style and correct usage):\n" + joined)
    return "\n\n".join(parts)


def explain_messages(code: str, signatures: Sequence[str], examples: Sequence[str]) -> list[ChatMessage]:
    grounding = grounding_block(signatures, examples)
    user = f"Explain this Csound code:\n```csound\n{code.strip()}\n```"
    if grounding:
        user = f"{grounding}\n\n{user}"
    return [ChatMessage("system", EXPLAIN_SYSTEM), ChatMessage("user", user)]


def fix_messages(
    code: str,
    errors: Sequence[str],
    signatures: Sequence[str],
    examples: Sequence[str],
    *,
    header: str = "",
    first_line: int = 1,
) -> list[ChatMessage]:
    """The item to repair with the file's own line numbers, so that the errors' lines match."""
    grounding = grounding_block(signatures, examples)
    listed = "\n".join(f"- {error}" for error in errors)
    last = first_line + max(len(code.splitlines()), 1) - 1
    parts = [grounding] if grounding else []
    if header.strip():
        shown = header.strip()
        parts.append(f"The file's orchestra header (for reference, do not repeat it):\n```\n{shown}\n```")
    parts.append(
        f"Code (lines {first_line}-{last} of the file):\n```\n{numbered(code, first_line)}\n```\n\n"
        f"Errors:\n{listed}\n\nAnswer with the corrected lines {first_line}-{last} only, "
        "without line numbers."
    )
    return [ChatMessage("system", FIX_SYSTEM), ChatMessage("user", "\n\n".join(parts))]


def retry_message(errors: Sequence[str], what: str = "code") -> ChatMessage:
    """The follow-up turn of a repair loop: what is still wrong with the last answer."""
    listed = "\n".join(f"- {error}" for error in errors)
    return ChatMessage(
        "user",
        f"That {what} still has these errors:\n{listed}\nAnswer again with the whole corrected code "
        "in one ```csound block.",
    )


def generate_messages(
    description: str,
    signatures: Sequence[str],
    examples: Sequence[str],
    *,
    context_summary: str = "",
    instrument_hint: str = "",
) -> list[ChatMessage]:
    grounding = grounding_block(signatures, examples)
    parts = [grounding] if grounding else []
    if context_summary:
        parts.append(f"The instrument goes into this file:\n{context_summary}")
    request = f"Write a Csound instrument: {description.strip()}"
    if instrument_hint:
        request += f"\n{instrument_hint}"
    parts.append(request)
    return [ChatMessage("system", GENERATE_SYSTEM), ChatMessage("user", "\n\n".join(parts))]
