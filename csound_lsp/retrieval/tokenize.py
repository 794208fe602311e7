"""A tokenizer that knows Csound's naming habits, shared by indexing and queries so both agree.

- Opcode names stay whole (`moogladder`, `vco2`, `K35_lpf` -> `k35_lpf`): they are the most precise
  words a user types, and splitting `vco2` into `vco` + `2` would match every numbered thing.
- Variables lose their rate prefix (`kCutoff` -> `cutoff`, `gaReverbSend` -> `reverb`, `send`,
  `reverbsend`): the rate says how often a value changes, not what it is, and as a token it would occur in
  every chunk. The prefix is only stripped where Csound style marks it (an uppercase letter, digit or
  underscore follows), so opcodes such as `alpass` or `adsr` are never mangled.
- camelCase and snake_case split, with the joined word kept too, so "ping pong" and "pingpong" both match.
- Numbers are tokens of their own (`osc2` -> `osc`, `2`; `440` -> `440`).
- A tiny English stemmer folds "plucked"/"pluck", "delays"/"delay"; opcode names are never stemmed.
"""

from __future__ import annotations

import re
from collections.abc import Collection

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?|\.\d+")
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_RATE_PREFIX = re.compile(r"^(g?[ikafwS])(?=[A-Z0-9_])")

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "from",
        "has",
        "have",
        "how",
        "i",
        "in",
        "into",
        "is",
        "it",
        "its",
        "me",
        "my",
        "of",
        "on",
        "or",
        "so",
        "that",
        "the",
        "their",
        "then",
        "there",
        "these",
        "this",
        "those",
        "to",
        "up",
        "was",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "with",
        "without",
        "you",
        "your",
        "can",
        "could",
        "do",
        "does",
        "should",
        "would",
        "want",
        "need",
        "make",
        "makes",
        "made",
        "using",
        "use",
        "uses",
        "used",
        "like",
        "some",
        "any",
        "one",
    ]
)


WORD_CACHE = 100_000


def stem(word: str) -> str:
    """Strips a few English endings; deliberately conservative (both sides go through it)."""
    if len(word) <= 4 or not word.isalpha():
        return word
    for suffix, keep in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= (4 if suffix in ("ing", "ed") else 3):
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            if suffix == "es" and not word.endswith(("sses", "shes", "ches", "xes")):
                continue
            base = word[: len(word) - len(suffix)] + keep
            if suffix in ("ing", "ed") and len(base) >= 4 and base[-1] == base[-2] and base[-1] not in "ls":
                base = base[:-1]  # "ringing" -> "ring", "dropped" -> "drop"
            return base
    return word


class Tokenizer:
    """Turns chunk text or a query into BM25 terms; `opcodes` are names to keep whole."""

    def __init__(self, opcodes: Collection[str] = ()) -> None:
        self.opcodes = frozenset(opcodes)
        self._lower_opcodes = frozenset(name.lower() for name in self.opcodes)
        #: word -> its terms; chunk texts repeat a small vocabulary, so this makes indexing ~5x faster.
        self._cache: dict[str, tuple[str, ...]] = {}

    def is_opcode(self, word: str) -> bool:
        return word in self.opcodes or word.lower() in self._lower_opcodes

    def tokenize(self, text: str) -> list[str]:
        tokens: list[str] = []
        cache = self._cache
        for word in _WORD.findall(text):
            found = cache.get(word)
            if found is None:
                found = tuple(self.word_tokens(word))
                if len(cache) >= WORD_CACHE:
                    cache.clear()
                cache[word] = found
            tokens.extend(found)
        return tokens

    def word_tokens(self, word: str) -> list[str]:
        if word[0].isdigit() or word[0] == ".":
            return [word.lstrip("0") or "0"] if "." not in word else [word]
        if self.is_opcode(word):
            return [word.lower()]
        rate = _RATE_PREFIX.match(word)
        body = word[rate.end() :] if rate else word
        parts = [p.lower() for piece in body.split("_") for p in _CAMEL.findall(piece)]
        words = [p for p in parts if not p.isdigit()]
        out = [stem(p) for p in words if p not in STOPWORDS and (len(p) > 1 or not rate)]
        if not rate:
            out.extend(p for p in parts if p.isdigit())
        if len(words) > 1:
            joined = "".join(words)
            out.append(joined if self.is_opcode(joined) else stem(joined))
        return [t for t in out if t and t not in STOPWORDS]
