"""The keys document-wide names are found by: instrument numbers and names, and channel names.

Both the name index (which caches occurrences per item) and the navigation targets read these, so
they live below both: `targets.py` imports the index, and the index must not import `targets.py`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from csound_lsp.syntax.model import DocumentModel

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")

#: Channel opcodes and which argument positions hold the channel name (None: every argument).
CHANNEL_OPCODES: dict[str, tuple[int, ...] | None] = {
    "chnset": (1,), "chnseti": (1,), "chnsetk": (1,), "chnseta": (1,), "chnsets": (1,),
    "chnget": (0,), "chngeti": (0,), "chngetk": (0,), "chngeta": (0,), "chngets": (0,),
    "chngetks": (0,), "chnsetks": (1,),
    "chn_k": (0,), "chn_a": (0,), "chn_S": (0,), "chn_array": (0,),
    "chnexport": (0,), "chnmix": (1,), "chnclear": None, "chnparams": (0,),
}  # fmt: skip
#: Channel opcodes that declare or write a channel: their uses count as definitions.
CHANNEL_WRITERS = frozenset(
    {"chnset", "chnseti", "chnsetk", "chnseta", "chnsets", "chnsetks", "chn_k", "chn_a", "chn_S",
     "chn_array", "chnexport", "chnmix"}
)  # fmt: skip


# -- instrument names -------------------------------------------------------------------------------
def instrument_key(text: str, start_byte: int) -> tuple[str, int, int] | None:
    """`3`, `3.1`, `-3`, `"Name"`, `+Name` → (key, start, end of the part a rename replaces)."""
    lead = 0
    body = text
    if body.startswith('"'):
        if len(body) < 2 or not body.endswith('"'):
            return None
        body, lead = body[1:-1], 1
    if body[:1] in ("+", "-"):
        body, lead = body[1:], lead + 1
    if not body:
        return None
    whole = body.split(".", 1)[0]
    if whole.isdigit():
        return "#" + str(int(whole)), start_byte + lead, start_byte + lead + len(whole)
    if IDENTIFIER.match(body):
        return body, start_byte + lead, start_byte + lead + len(body.encode("utf-8"))
    return None


def instrument_definitions(model: DocumentModel) -> Iterator[tuple[str, int, int]]:
    for instrument in model.instruments:
        for name in instrument.names:
            found = instrument_key(name.text, name.ref.start_byte)
            if found is not None:
                yield found


def instrument_references(model: DocumentModel) -> Iterator[tuple[str, int, int]]:
    for ref in model.instrument_refs:
        found = instrument_key(ref.name, ref.start_byte)
        if found is not None:
            yield found


# -- channels ---------------------------------------------------------------------------------------
def channel_refs(model: DocumentModel) -> Iterator[tuple[str, int, int, bool]]:
    """(channel name, start, end inside the quotes, declares or writes) for every literal channel name."""
    for call in model.calls():
        if call.name not in CHANNEL_OPCODES:
            continue
        positions = CHANNEL_OPCODES[call.name]
        writes = call.name in CHANNEL_WRITERS
        for index, argument in enumerate(call.arguments):
            if positions is not None and index not in positions:
                continue
            if argument.type != "string":
                continue
            raw = model.text(argument)
            if len(raw) >= 2 and raw.endswith('"'):
                yield raw[1:-1], argument.start_byte + 1, argument.end_byte - 1, writes
