"""Opcode names for the tokenizer and the query boost, from the catalog data when it is there."""

from __future__ import annotations

import json
import logging
from functools import cache
from pathlib import Path

log = logging.getLogger(__name__)

OPCODES_JSON = Path(__file__).resolve().parent.parent / "data" / "opcodes.json"

#: Opcode names that are everyday words in a request ("a line that ramps", "pan the output to the
#: left"): naming them is not asking for that opcode, so they get no boost. They still match as words.
QUERY_WORDS_NOT_OPCODES = frozenset(
    [
        "a",
        "i",
        "k",
        "p",
        "in",
        "out",
        "init",
        "int",
        "line",
        "table",
        "event",
        "control",
        "count",
        "clear",
        "display",
        "print",
        "active",
        "array",
        "button",
        "cell",
        "changed",
        "checkbox",
        "connect",
        "date",
        "dates",
        "diff",
        "dot",
        "gain",
        "max",
        "min",
        "mode",
        "monitor",
        "mute",
        "pop",
        "push",
        "remove",
        "return",
        "round",
        "scale",
        "seed",
        "select",
        "sense",
        "stack",
        "sum",
        "system",
        "times",
        "trigger",
        "trim",
        "window",
        "wrap",
        "space",
        "product",
        "random",
        "rand",
        "noise",
        "pitch",
        "release",
        "delay",
        "limit",
        "log",
        "tone",
        "voice",
        "peak",
        "port",
        "pow",
        "sin",
        "fold",
        "follow",
        "lag",
        "mirror",
        "octave",
        "tempo",
        "compress",
        "distort",
        "jitter",
        "grain",
        "pan",
        "spectrum",
        "partials",
        "clip",
        "reverb",
        "interp",
        "integ",
        "signum",
        "lorenz",
        "planet",
    ]
)


@cache
def load_opcode_names(path: Path = OPCODES_JSON) -> frozenset[str]:
    """Names from `csound_lsp/data/opcodes.json`; empty (with a log line) when it is missing."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        log.info("no opcode list for retrieval (%s): opcode names are tokenized like other words", error)
        return frozenset()
    opcodes = data.get("opcodes") if isinstance(data, dict) else data
    if isinstance(opcodes, dict):
        return frozenset(str(name) for name in opcodes)
    if isinstance(opcodes, list):
        return frozenset(str(name) for name in opcodes if isinstance(name, str))
    return frozenset()
