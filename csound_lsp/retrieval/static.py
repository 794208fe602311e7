"""The built-in static embedding model: dense search in every install, with numpy alone.

A static model (model2vec-style) is one vector per token: a text's embedding is the mean of its
tokens' vectors, normalised. That costs microseconds instead of a neural network's milliseconds,
needs no server, and is good enough to meet "warm analog filter" with a chunk whose header says
"ladder low-pass filter". The vectors were distilled from all-MiniLM-L6-v2 (Apache-2.0) by
``scripts/distill_static_model.py``; they live in ``csound_lsp/data/static_model`` (see NOTICE
there). The tokenizer is BERT's uncased WordPiece, reimplemented here so that neither
``tokenizers`` nor ``torch`` is needed at runtime (a test checks it against ``tokenizers``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
import unicodedata
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from csound_lsp.retrieval.dense import EmbeddingUnavailable, EmbedKind, Matrix, normalise

log = logging.getLogger(__name__)

MODEL_DIR = Path(__file__).resolve().parent.parent / "data" / "static_model"
#: Tokens read per text: the head of a chunk (its header) says the most; the rest only dilutes.
MAX_TOKENS = 512
#: Words remembered with their token ids (chunk texts repeat a small vocabulary).
WORD_CACHE = 50_000


def _is_punctuation(char: str) -> bool:
    code = ord(char)
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def _is_cjk(code: int) -> bool:
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0x20000 <= code <= 0x2A6DF
        or 0x2A700 <= code <= 0x2B73F
        or 0x2B740 <= code <= 0x2B81F
        or 0x2B820 <= code <= 0x2CEAF
        or 0xF900 <= code <= 0xFAFF
        or 0x2F800 <= code <= 0x2FA1F
    )


#: Control characters other than tab and line ends are dropped, as BERT's cleaning does.
_ASCII_CONTROL = {code: None for code in [*range(0, 9), 11, 12, *range(14, 32), 127]}
_ASCII_WORDS = re.compile(r"[a-z0-9]+|[!-/:-@\[-`{-~]")


def basic_words(text: str) -> list[str]:
    """BERT's basic tokenization: clean, lower-case, strip accents, split spaces and punctuation."""
    if text.isascii():  # the common case, and ten times faster than the general loop
        return _ASCII_WORDS.findall(text.lower().translate(_ASCII_CONTROL))
    out: list[str] = []
    current: list[str] = []
    lowered = unicodedata.normalize("NFD", text.lower())
    for char in lowered:
        code = ord(char)
        if (
            code == 0
            or code == 0xFFFD
            or (unicodedata.category(char) in ("Cc", "Cf") and char not in "\t\n\r")
        ):
            continue
        if unicodedata.category(char) == "Mn":
            continue
        if char.isspace():
            if current:
                out.append("".join(current))
                current = []
        elif _is_punctuation(char) or _is_cjk(code):
            if current:
                out.append("".join(current))
                current = []
            out.append(char)
        else:
            current.append(char)
    if current:
        out.append("".join(current))
    return out


class WordPiece:
    """Greedy longest-match-first WordPiece over a fixed vocabulary (BERT's algorithm)."""

    def __init__(
        self, tokens: Sequence[str], unk: str = "[UNK]", prefix: str = "##", max_chars: int = 100
    ) -> None:
        self.ids = {token: index for index, token in enumerate(tokens)}
        self.unk_id = self.ids.get(unk, -1)
        self.prefix = prefix
        self.max_chars = max_chars
        self._cache: dict[str, tuple[int, ...]] = {}
        self._lock = threading.Lock()

    def word_ids(self, word: str) -> tuple[int, ...]:
        found = self._cache.get(word)
        if found is not None:
            return found
        ids = self._split(word)
        with self._lock:
            if len(self._cache) >= WORD_CACHE:
                self._cache.clear()
            self._cache[word] = ids
        return ids

    def _split(self, word: str) -> tuple[int, ...]:
        if len(word) > self.max_chars:
            return (self.unk_id,)
        pieces: list[int] = []
        start = 0
        while start < len(word):
            end = len(word)
            piece = None
            while start < end:
                candidate = word[start:end] if start == 0 else self.prefix + word[start:end]
                piece = self.ids.get(candidate)
                if piece is not None:
                    break
                end -= 1
            if piece is None:
                return (self.unk_id,)
            pieces.append(piece)
            start = end
        return tuple(pieces)

    def encode(self, text: str, limit: int = MAX_TOKENS) -> list[int]:
        out: list[int] = []
        for word in basic_words(text):
            out.extend(self.word_ids(word))
            if len(out) >= limit:
                return out[:limit]
        return out

    def tokens(self, text: str) -> list[str]:
        """The token strings, for tests and debugging."""
        by_id = {index: token for token, index in self.ids.items()}
        return [by_id[i] for i in self.encode(text, limit=1 << 30)]


class DescriptionSpace:
    """Our opcode descriptions embedded by the teacher itself, and a map from static query vectors
    into the teacher's space (both made by the distillation script, files beside the model).

    A mean of token vectors matches a request against a one-line description far worse than the
    teacher does; embedding the descriptions with the teacher at build time and mapping the
    request's static vector into that space (a least-squares linear map, fitted on our texts) keeps
    half of that gap closed at the cost of one 256 x 384 product per query.
    """

    def __init__(self, folder: Path) -> None:
        meta = json.loads((folder / "descriptions.json").read_text(encoding="utf-8"))
        vectors: NDArray[np.float16] = np.load(folder / "description_vectors.npy", allow_pickle=False)
        query_map: NDArray[np.float32] = np.load(folder / "query_map.npy", allow_pickle=False)
        names = [str(name) for name in meta["names"]]
        digests = [str(digest) for digest in meta["digests"]]
        if (
            vectors.shape[0] != len(names)
            or len(digests) != len(names)
            or query_map.shape[1] != vectors.shape[1]
        ):
            raise ValueError(f"{folder}: description vectors do not match their names or the query map")
        self.rows = {name: row for row, name in enumerate(names)}
        self.digests = digests
        self.vectors = vectors
        self.query_map = query_map.astype(np.float32)
        #: The teacher's vectors of the vocabulary phrases (data/opcode_vocabulary.json), when shipped.
        self.phrase_rows: dict[str, int] = {}
        self.phrase_vectors: NDArray[np.float16] | None = None
        if (folder / "vocabulary.json").is_file():
            phrases = json.loads((folder / "vocabulary.json").read_text(encoding="utf-8"))["phrases"]
            phrase_vectors: NDArray[np.float16] = np.load(
                folder / "vocabulary_vectors.npy", allow_pickle=False
            )
            if phrase_vectors.shape != (len(phrases), vectors.shape[1]):
                raise ValueError(f"{folder}: vocabulary vectors do not match their phrases")
            self.phrase_rows = {str(phrase): row for row, phrase in enumerate(phrases)}
            self.phrase_vectors = phrase_vectors

    def to_teacher(self, vectors: Matrix) -> Matrix:
        """Static vectors mapped into the teacher's space, normalised."""
        return normalise(np.asarray(vectors, dtype=np.float32) @ self.query_map)

    def vector(self, name: str, text: str) -> Matrix | None:
        """The teacher's vector of `name`'s description, when it was made from this very text."""
        row = self.rows.get(name)
        if row is None or self.digests[row] != text_digest(text):
            return None
        found: Matrix = self.vectors[row].astype(np.float32)
        return found

    def phrase_vector(self, phrase: str) -> Matrix | None:
        """The teacher's vector of a vocabulary phrase (the phrase is its own key)."""
        row = self.phrase_rows.get(phrase)
        if row is None or self.phrase_vectors is None:
            return None
        found: Matrix = self.phrase_vectors[row].astype(np.float32)
        return found


def text_digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=6).hexdigest()


class StaticEmbedder:
    """An `Embedder` over the shipped static model; thread-safe, never blocks on I/O after loading."""

    #: Texts per `embed` call while indexing (a network backend gets a few at a time).
    batch_size = 256

    def __init__(self, folder: Path = MODEL_DIR) -> None:
        settings = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
        vectors: NDArray[np.float16] = np.load(folder / "vectors.npy", allow_pickle=False)
        tokens = settings["tokens"]
        if vectors.ndim != 2 or vectors.shape[0] != len(tokens):
            raise ValueError(f"{folder}: {vectors.shape[0]} vectors for {len(tokens)} tokens")
        self._vectors = vectors
        # The name carries a digest of the vectors: a re-distilled model never reuses stored vectors.
        sample = np.ascontiguousarray(vectors[::61]).tobytes()  # every 61st row: cheap, and enough
        digest = hashlib.blake2b(sample + str(vectors.shape).encode(), digest_size=5).hexdigest()
        self._name = f"{settings.get('name') or f'static-{vectors.shape[1]}'}-{digest}"
        self.wordpiece = WordPiece(
            tokens,
            str(settings.get("unk_token", "[UNK]")),
            str(settings.get("continuing_subword_prefix", "##")),
            int(settings.get("max_input_chars_per_word", 100)),
        )
        skip = {self.wordpiece.unk_id, self.wordpiece.ids.get("[PAD]", -1)}
        self._skip = frozenset(i for i in skip if i >= 0)
        self.descriptions: DescriptionSpace | None = None
        if (folder / "descriptions.json").is_file():
            try:
                self.descriptions = DescriptionSpace(folder)
            except (OSError, ValueError, KeyError) as error:
                log.info(
                    "description vectors in %s unusable (%s): matching descriptions statically", folder, error
                )

    @property
    def model_name(self) -> str:
        return self._name

    def knows_word(self, word: str) -> bool:
        """Whether `word` is a whole token of the vocabulary (a real word, not a typo's pieces)."""
        return word in self.wordpiece.ids

    @property
    def dimension(self) -> int:
        return int(self._vectors.shape[1])

    def embed(self, texts: Sequence[str], kind: EmbedKind = "document") -> Matrix:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        ids: list[int] = []
        starts: list[int] = []
        rows: list[int] = []
        for row, text in enumerate(texts):
            these = [i for i in self.wordpiece.encode(text) if i not in self._skip]
            if these:
                rows.append(row)
                starts.append(len(ids))
                ids.extend(these)
        if ids:
            # One gather and one segmented sum for the whole batch: the per-text cost is the tokenizing.
            sums = np.add.reduceat(self._vectors[ids].astype(np.float32), starts, axis=0)
            counts = np.diff([*starts, len(ids)]).astype(np.float32)
            out[rows] = sums / counts[:, None]
        return normalise(out)


_lock = threading.Lock()


@cache
def _load(folder: Path) -> StaticEmbedder | None:
    try:
        return StaticEmbedder(folder)
    except (OSError, ValueError, KeyError) as error:
        log.info("no static embedding model in %s (%s): keyword search only by default", folder, error)
        return None


def default_embedder(folder: Path = MODEL_DIR) -> StaticEmbedder | None:
    """The shipped model, loaded once (about 20 MB); None when the package has no model files."""
    with _lock:
        return _load(folder)


def require_default() -> StaticEmbedder:
    embedder = default_embedder()
    if embedder is None:
        raise EmbeddingUnavailable(f"the built-in embedding model is missing from {MODEL_DIR}")
    return embedder
