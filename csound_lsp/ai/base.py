"""The `Backend` protocol every AI server adapter implements, and the typed values it returns.

Features (inline completion, explain, fix, generate, retrieval) talk to this protocol only, so the
same code runs against Ollama's native API and any OpenAI-compatible server.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

from csound_lsp.settings import BackendKind

from .errors import AIError
from .fim import FimTemplate

if TYPE_CHECKING:
    from .stream import TextStream

EmbedKind = Literal["document", "query"]
Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True)
class ChatMessage:
    role: Role
    content: str


@dataclass(frozen=True)
class ModelInfo:
    """One model the server has (Ollama `/api/tags`, OpenAI `/v1/models`)."""

    name: str
    family: str | None = None
    size_bytes: int | None = None


@dataclass(frozen=True)
class ModelCapabilities:
    model: str
    #: Accepts `suffix` natively (Ollama's `insert` capability).
    insert: bool
    #: Can make embeddings; None when the server does not say.
    embedding: bool | None
    #: The model's trained context window, when the server reports it.
    context_length: int | None
    family: str | None
    #: FIM tokens for raw prompts, from the model's name; None for models without FIM training.
    fim: FimTemplate | None
    #: The window the server runs the model with (Ollama's `num_ctx` parameter, llama.cpp's
    #: `n_ctx`), when it says; a prompt beyond it would be cut or refused.
    num_ctx: int | None = None


@dataclass(frozen=True)
class Health:
    ok: bool
    backend: str
    host: str
    version: str | None = None
    error: AIError | None = None


@dataclass
class StreamStats:
    """Filled in while a stream runs; complete once it ends."""

    chunks: int = 0
    #: "stop", "length", ... as the server says.
    done_reason: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    #: Nanoseconds, from Ollama's final line.
    total_duration_ns: int | None = None
    #: Prompt tokens the server really processed (cached ones left out) and the seconds it took,
    #: from llama.cpp's `timings` or Ollama's `prompt_eval_*`; None when it does not say.
    prompt_eval_tokens: int | None = None
    prompt_eval_s: float | None = None
    #: How the completion prompt was built: "insert", "raw-fim" or "prefix-only".
    fim_mode: str | None = None
    #: True when the prefix or suffix was trimmed to fit the context window.
    trimmed: bool = False


@dataclass(frozen=True)
class EmbeddingInfo:
    """Which model really made a batch of vectors, and their size: an OpenAI-style server may ignore
    the model name it is sent and answer with its own model's vectors."""

    #: The name we asked for (`ai.models.embedding`).
    requested: str
    #: The name the server reports in its answer (the requested one when it reports none).
    model: str
    dimensions: int

    def mismatch(self, model: str, dimensions: int) -> str:
        """Why vectors of `model` with `dimensions` cannot sit next to these ("" when they can)."""
        if dimensions != self.dimensions:
            return (
                f"the embedding model {self.model} makes vectors of {self.dimensions} numbers, "
                f"but the index holds {dimensions}-number vectors of {model}"
            )
        if _base_name(model) != _base_name(self.model):
            return f"the embedding model is {self.model}, but the index was built with {model}"
        return ""


def _base_name(model: str) -> str:
    """`nomic-embed-text:latest`, `nomic-embed-text` and `library/nomic-embed-text.gguf` alike."""
    name = model.lower().rsplit("/", 1)[-1]
    name = re.sub(r"\.gguf$", "", name)
    return name.removesuffix(":latest")


class Backend(Protocol):
    """What features need from an AI server.

    `stream_complete` and `stream_chat` return a `TextStream` at once; the request starts when it is
    first iterated. Use it as `async with stream:` (or call `aclose()`) so that abandoning a stream
    closes its HTTP connection. A newer stream on the same lane supersedes an older one.
    """

    kind: BackendKind
    host: str

    def stream_complete(
        self,
        prefix: str,
        suffix: str,
        *,
        model: str,
        max_tokens: int = 128,
        stop: Sequence[str] = (),
        temperature: float = 0.2,
        lane: str = "complete",
    ) -> TextStream: ...

    def stream_chat(
        self,
        messages: Sequence[ChatMessage],
        *,
        model: str,
        max_tokens: int = 1024,
        stop: Sequence[str] = (),
        temperature: float = 0.2,
        lane: str = "chat",
    ) -> TextStream: ...

    async def embed(
        self, texts: Sequence[str], *, model: str, kind: EmbedKind = "document"
    ) -> list[list[float]]: ...

    async def models(self) -> list[ModelInfo]: ...

    #: What the last embeddings per requested model really were (`embed` fills it in).
    embedding_info: dict[str, EmbeddingInfo]

    async def capabilities(self, model: str) -> ModelCapabilities: ...

    async def budget_tokens(self, model: str, *, max_tokens: int) -> int: ...

    async def health(self) -> Health: ...

    async def aclose(self) -> None: ...


def nomic_prefix(model: str, kind: EmbedKind) -> str:
    """nomic-embed-text was trained with task prefixes; without them retrieval quality drops."""
    if "nomic" not in model.lower():
        return ""
    return "search_query: " if kind == "query" else "search_document: "


def check_embeddings(vectors: Sequence[Sequence[float]], count: int, model: str) -> list[list[float]]:
    """The server's vectors, checked: one per input, all of one dimension, all numbers."""
    from .errors import MalformedResponse

    if len(vectors) != count:
        raise MalformedResponse(f"AI model {model} returned {len(vectors)} embeddings for {count} texts")
    try:
        result = [[float(x) for x in vector] for vector in vectors]
    except (TypeError, ValueError):
        raise MalformedResponse(f"AI model {model} returned embeddings that are not numbers") from None
    dims = {len(vector) for vector in result}
    if len(dims) > 1 or 0 in dims:
        raise MalformedResponse(f"AI model {model} returned embeddings of mixed dimensions {sorted(dims)}")
    return result
