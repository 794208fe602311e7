"""The three JSONL record shapes fine-tuning tools read, and a check that a record has its shape.

* ``sharegpt``: ``{"conversations": [{"from": "system"|"human"|"gpt", "value": ...}, ...]}``
  (axolotl's ``sharegpt`` type, unsloth's ``standardize_sharegpt``);
* ``chatml``: ``{"messages": [{"role": "system"|"user"|"assistant", "content": ...}, ...]}``
  (OpenAI-style chat, axolotl ``chat_template``, TRL's ``SFTTrainer``);
* ``alpaca``: ``{"instruction", "input", "output", "system"}``.

Each record also carries ``category`` and ``source`` (the corpus piece), which trainers ignore.
"""

from __future__ import annotations

from typing import Any, Literal

from csound_lsp.ai.prompts import CSOUND_RULES, EXPLAIN_SYSTEM, FIX_SYSTEM, GENERATE_SYSTEM
from csound_lsp.dataset.pairs import Category, Pair

__all__ = ["FORMATS", "Format", "record", "schema_problems", "system_prompt"]

Format = Literal["sharegpt", "chatml", "alpaca"]
FORMATS: tuple[Format, ...] = ("sharegpt", "chatml", "alpaca")

COMPLETE_SYSTEM = (
    "You continue Csound code. You get the code up to the cursor and answer with the next few lines "
    "only, as plain code, keeping the file's indentation and names.\n\n" + CSOUND_RULES
)

_SYSTEMS: dict[Category, str] = {
    "generate": GENERATE_SYSTEM,
    "explain": EXPLAIN_SYSTEM,
    "fix": FIX_SYSTEM,
    "complete": COMPLETE_SYSTEM,
}


def system_prompt(category: Category) -> str:
    return _SYSTEMS[category]


def record(pair: Pair, fmt: Format) -> dict[str, Any]:
    system = system_prompt(pair.category)
    meta = {"category": pair.category, "source": pair.source}
    if fmt == "sharegpt":
        turns = [("system", system), ("human", pair.user), ("gpt", pair.output)]
        return {"conversations": [{"from": who, "value": text} for who, text in turns], **meta}
    if fmt == "chatml":
        turns = [("system", system), ("user", pair.user), ("assistant", pair.output)]
        return {"messages": [{"role": who, "content": text} for who, text in turns], **meta}
    return {
        "instruction": pair.instruction,
        "input": pair.input,
        "output": pair.output,
        "system": system,
        **meta,
    }


def _turns_problems(turns: Any, key: str, text: str, roles: tuple[str, str, str]) -> list[str]:
    if not isinstance(turns, list) or len(turns) != 3:
        return ["expected three turns"]
    problems = []
    for turn, role in zip(turns, roles, strict=True):
        if not isinstance(turn, dict) or set(turn) != {key, text}:
            problems.append(f"a turn must have exactly {key!r} and {text!r}")
        elif turn[key] != role:
            problems.append(f"expected role {role!r}, got {turn[key]!r}")
        elif not isinstance(turn[text], str) or not turn[text].strip():
            problems.append(f"empty {role} turn")
    return problems


def schema_problems(data: Any, fmt: Format) -> list[str]:
    """What is wrong with one parsed JSONL record for `fmt`; empty when it fits."""
    if not isinstance(data, dict):
        return ["a record must be a JSON object"]
    problems = []
    if data.get("category") not in ("generate", "explain", "complete", "fix"):
        problems.append("unknown category")
    if fmt == "sharegpt":
        problems += _turns_problems(data.get("conversations"), "from", "value", ("system", "human", "gpt"))
    elif fmt == "chatml":
        problems += _turns_problems(data.get("messages"), "role", "content", ("system", "user", "assistant"))
    else:
        for key in ("instruction", "input", "output", "system"):
            if not isinstance(data.get(key), str):
                problems.append(f"{key!r} must be a string")
        if not str(data.get("instruction", "")).strip() or not str(data.get("output", "")).strip():
            problems.append("instruction and output must not be empty")
    return problems
