"""What both backends share: lanes of single-flight generation, the capability cache, prompt budgets,
and the translation of httpx's transport errors into `AIError`s."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import httpx

from csound_lsp.settings import AISettings, BackendKind

from .base import ChatMessage, EmbeddingInfo, ModelCapabilities, StreamStats
from .budget import context_window, estimate_messages, fit_fim, prompt_budget
from .errors import (
    AIError,
    AITimeout,
    BackendUnreachable,
    ConnectionDropped,
    ContextTooLong,
    MalformedResponse,
)
from .stream import ChunkSource, GenerationSlot, StreamTimeouts, TextStream


class BackendCore:
    """Base class of `OllamaBackend` and `OpenAIBackend`; subclasses implement `_fetch_capabilities`."""

    #: Which kind of server the subclass speaks to (`settings.BACKEND_FACTS`).
    kind: BackendKind

    def __init__(self, settings: AISettings) -> None:
        self.settings = settings
        self.host = settings.host
        self._slots: dict[str, GenerationSlot] = {}
        self._capabilities: dict[str, ModelCapabilities] = {}
        self._capability_locks: dict[str, asyncio.Lock] = {}
        self.embedding_info: dict[str, EmbeddingInfo] = {}
        timeouts = settings.timeouts
        self._stream_timeouts = StreamTimeouts(timeouts.first_token_s, timeouts.total_s)
        #: httpx read timeout: the longest silence allowed, which is the wait for the first token.
        self._http_timeout = httpx.Timeout(
            connect=timeouts.connect_s,
            read=max(timeouts.first_token_s, timeouts.stall_s),
            write=timeouts.stall_s,
            pool=timeouts.connect_s,
        )

    # -- lanes --

    def slot(self, lane: str) -> GenerationSlot:
        """The single-flight slot for `lane`; inline completion and chat have one each by default."""
        return self._slots.setdefault(lane, GenerationSlot())

    def _stream(self, source: ChunkSource, lane: str) -> TextStream:
        return TextStream(source, timeouts=self._stream_timeouts, host=self.host, slot=self.slot(lane))

    async def _close_slots(self) -> None:
        for slot in list(self._slots.values()):
            await slot.aclose()

    # -- capabilities and budgets --

    async def capabilities(self, model: str) -> ModelCapabilities:
        """Cached per model: one `/api/show` (or `/v1/models`) per model per session."""
        cached = self._capabilities.get(model)
        if cached is not None:
            return cached
        lock = self._capability_locks.setdefault(model, asyncio.Lock())
        async with lock:
            cached = self._capabilities.get(model)
            if cached is None:
                cached = await self._fetch_capabilities(model)
                self._capabilities[model] = cached
        return cached

    async def _fetch_capabilities(self, model: str) -> ModelCapabilities:
        raise NotImplementedError

    def forget_capabilities(self, model: str | None = None) -> None:
        """After `ollama pull` or a model swap: ask the server again next time."""
        if model is None:
            self._capabilities.clear()
        else:
            self._capabilities.pop(model, None)

    def window(self, caps: ModelCapabilities) -> int:
        """The context window for `caps`' model: `ai.numCtx`, else what the server reports."""
        return context_window(self.settings.num_ctx, caps.num_ctx, caps.context_length)

    async def budget_tokens(self, model: str, *, max_tokens: int) -> int:
        """Prompt tokens that fit `model`'s window after reserving `max_tokens` for the answer."""
        caps = await self.capabilities(model)
        return prompt_budget(self.window(caps), None, max_tokens)

    async def _fit_fim(
        self, prefix: str, suffix: str, model: str, max_tokens: int, stats: StreamStats
    ) -> tuple[str, str]:
        budget = await self.budget_tokens(model, max_tokens=max_tokens)
        prefix, suffix, trimmed = fit_fim(prefix, suffix, budget)
        stats.trimmed = trimmed
        return prefix, suffix

    async def _check_chat_fits(self, messages: Sequence[ChatMessage], model: str, max_tokens: int) -> None:
        """Chat context is built by the caller, who knows what to drop; we refuse rather than cut."""
        budget = await self.budget_tokens(model, max_tokens=max_tokens)
        needed = estimate_messages(message.content for message in messages)
        if needed > budget:
            raise ContextTooLong(needed, budget, model)

    # -- embeddings --

    def _note_embedding(self, requested: str, reported: str | None, vectors: list[list[float]]) -> None:
        """Records which model made `vectors`; refuses a batch that differs from this session's
        earlier ones (another model answering under the same name), so vectors never mix."""
        if not vectors:
            return
        info = EmbeddingInfo(requested, (reported or "").strip() or requested, len(vectors[0]))
        before = self.embedding_info.get(requested)
        if before is not None:
            why = before.mismatch(info.model, info.dimensions)
            if why:
                raise MalformedResponse(
                    f"The AI server at {self.host} changed embedding models mid-session ({why}): "
                    "refusing to mix their vectors; rebuild the index with `csound-lsp index`"
                )
        self.embedding_info[requested] = info

    # -- errors --

    def _transport_error(self, error: BaseException, stats: StreamStats | None = None) -> AIError | None:
        """httpx's failures in words; None for anything else, which is the caller's to map."""
        timeouts = self.settings.timeouts
        if isinstance(error, httpx.ConnectTimeout | httpx.PoolTimeout):
            return BackendUnreachable(self.host, self.kind, f"no answer within {timeouts.connect_s:g} s")
        if isinstance(error, httpx.ConnectError):
            return BackendUnreachable(self.host, self.kind, _reason(error))
        if isinstance(error, ConnectionError):  # the ollama client's own wording for ConnectError
            return BackendUnreachable(self.host, self.kind)
        if isinstance(error, httpx.ReadTimeout | httpx.WriteTimeout):
            if stats is not None and stats.chunks > 0:
                return AITimeout("stall", timeouts.stall_s, self.host)
            return AITimeout("first-token", timeouts.first_token_s, self.host)
        if isinstance(error, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError):
            return ConnectionDropped(
                f"The AI backend at {self.host} closed the connection mid-answer ({_reason(error)})"
            )
        if isinstance(error, httpx.DecodingError | UnicodeDecodeError):
            return MalformedResponse(f"The AI backend at {self.host} sent bytes that are not text")
        if isinstance(error, httpx.HTTPError):
            return AIError(f"The AI request to {self.host} failed: {_reason(error)}")
        return None


def _reason(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
