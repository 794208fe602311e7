"""Mending a request's spelling against the words the index knows: typos and run-together words.

People type fast: "arpegiator", "oscilator", "incomming", "slooow", "timestretch", "low pass" for
"lowpass". A word that neither the index nor the English word list knows gets one chance to be
mended: runs of a repeated letter squeezed, then one edit (a letter dropped, added, swapped or
changed), then a split into two known words; two words that the index knows better as one are joined.
The mended words are added to the request, never put in place of what was typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from itertools import pairwise

from csound_lsp.retrieval.tokenize import STOPWORDS

_WORD = re.compile(r"[a-z]+")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
#: Shorter words are too often legitimate and too close to other words to mend.
MIN_LENGTH = 5
MIN_PART = 3
#: A letter added is tried (26 candidates a letter) only in words up to this long.
MAX_FAR_LENGTH = 10


def _edits(word: str) -> tuple[list[str], list[str]]:
    """The strings one edit away from `word`: a letter dropped or two swapped (few), then a letter
    added (the commonest typo left, "arpegiator"; a changed letter would cost twice as many tries)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = [a + b[1:] for a, b in splits if b]
    swaps = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    inserts = [a + c + b for a, b in splits for c in _LETTERS]
    return deletes + swaps, inserts


def mend(
    query: str,
    known: Callable[[str], bool],
    frequency: Callable[[str], int],
    english: Collection[str] = (),
) -> list[str]:
    """Words to add to `query`: the mended form of each unknown word, and joined pairs.

    `known(word)` says whether the index has the word; `frequency(word)` how many documents use it
    (the most used candidate wins); `english` holds real words that are left alone even when the
    index lacks them ("bender" is not a typo of "render").
    """
    words = _WORD.findall(query.lower())
    added: list[str] = []
    for word in words:
        if len(word) < MIN_LENGTH or known(word) or word in english:
            continue
        squeezed = re.sub(r"(.)\1{2,}", r"\1", word)  # "slooow" -> "slow"
        if squeezed != word and known(squeezed):
            added.append(squeezed)
            continue
        near, far = _edits(word)
        candidates = [c for c in near if len(c) >= MIN_PART and known(c)]
        if not candidates and len(word) <= MAX_FAR_LENGTH:
            candidates = [c for c in far if known(c)]
        if candidates:
            added.append(max(candidates, key=lambda c: (frequency(c), c)))
            continue
        parts = [
            (word[:i], word[i:])
            for i in range(MIN_PART, len(word) - MIN_PART + 1)
            if known(word[:i]) and known(word[i:])
        ]
        if parts:
            first, second = max(parts, key=lambda p: (min(frequency(p[0]), frequency(p[1])), p))
            added.extend((first, second))
    for first, second in pairwise(words):
        joined = first + second
        if first in STOPWORDS or second in STOPWORDS or len(first) < 2 or len(second) < 2:
            continue  # "at one" is not the opcode atone
        if known(joined):
            added.append(joined)
    return added
