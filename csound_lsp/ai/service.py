"""The one object features use: the configured backend with its models, health cache and notices.

    try:
        stream = await ai.complete(prefix, suffix, max_tokens=64)
        async with stream:
            text = "".join([chunk async for chunk in stream])
    except AIError:
        return []  # the user has been told once, through on_notice, if it was worth telling

Every failure goes through `_observe`: it updates the health cache (so a dead server is not dialled
on every keystroke) and passes the first occurrence of each problem to `on_notice`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

from csound_lsp.settings import AISettings, BackendKind, parse_ai_settings

from .availability import HealthCache, Notifier
from .base import Backend, ChatMessage, EmbeddingInfo, EmbedKind, Health
from .errors import AIError, BackendUnavailable
from .stream import TextStream

log = logging.getLogger(__name__)

Purpose = Literal["completion", "chat", "embedding"]


# The clients are imported on first use: the ollama client and httpx take a large share of start-up time.


def _ollama(settings: AISettings) -> Backend:
    from .ollama_backend import OllamaBackend

    return OllamaBackend(settings)


def _openai(settings: AISettings) -> Backend:
    from .openai_backend import OpenAIBackend

    return OpenAIBackend(settings)


#: The client class of each backend kind.
CLIENTS: dict[BackendKind, Callable[[AISettings], Backend]] = {"ollama": _ollama, "openai": _openai}


def create_backend(settings: AISettings) -> Backend:
    return CLIENTS[settings.backend](settings)


def import_clients() -> None:
    """Loads the client libraries (blocking, ~0.4 s), for a caller that runs it off the event loop."""
    from . import ollama_backend, openai_backend  # noqa: F401


class AIService:
    def __init__(
        self,
        settings: AISettings,
        *,
        backend: Backend | None = None,
        on_notice: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.backend = backend or create_backend(settings)
        self.on_notice = on_notice
        self._clock = clock
        self.health = HealthCache(self.backend, settings.health_ttl_s, clock)
        self.notifier = Notifier()

    @classmethod
    def from_config(
        cls,
        raw: Any = None,
        env: Mapping[str, str] | None = None,
        on_notice: Callable[[str], None] | None = None,
    ) -> tuple[AIService, list[str]]:
        settings, problems = parse_ai_settings(raw, env)
        return cls(settings, on_notice=on_notice), problems

    async def reconfigure(self, settings: AISettings) -> None:
        """New settings from the client: a new backend when the connection changed, fresh notices."""
        if settings == self.settings:
            return
        old = self.backend
        self.settings = settings
        self.backend = create_backend(settings)
        self.health = HealthCache(self.backend, settings.health_ttl_s, self._clock)
        self.notifier.reset()
        await old.aclose()

    def model_for(self, purpose: Purpose) -> str:
        models = self.settings.models
        return {"completion": models.completion, "chat": models.chat, "embedding": models.embedding}[purpose]

    # -- the calls features make --

    async def complete(
        self,
        prefix: str,
        suffix: str,
        *,
        max_tokens: int = 64,
        stop: Sequence[str] = (),
        temperature: float = 0.2,
        lane: str = "complete",
        quiet: bool = False,
    ) -> TextStream:
        """Fill-in-the-middle with the completion model; fails fast while the backend is down.

        `quiet`: nobody asked (completion while typing), so a failure is logged, never shown."""
        await self.ready(quiet=quiet)
        stream = self.backend.stream_complete(
            prefix,
            suffix,
            model=self.settings.models.completion,
            max_tokens=max_tokens,
            stop=stop,
            temperature=temperature,
            lane=lane,
        )
        stream.add_observer(self._observe_quietly if quiet else self._observe)
        return stream

    async def chat(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_tokens: int = 1024,
        stop: Sequence[str] = (),
        temperature: float = 0.2,
        lane: str = "chat",
    ) -> TextStream:
        await self.ready()
        stream = self.backend.stream_chat(
            messages,
            model=self.settings.models.chat,
            max_tokens=max_tokens,
            stop=stop,
            temperature=temperature,
            lane=lane,
        )
        stream.add_observer(self._observe)
        return stream

    async def embed(self, texts: Sequence[str], *, kind: EmbedKind = "document") -> list[list[float]]:
        await self.ready()
        try:
            vectors = await self.backend.embed(texts, model=self.settings.models.embedding, kind=kind)
        except AIError as error:
            self._observe(error)
            raise
        self._observe(None)
        return vectors

    def embedding_info(self) -> EmbeddingInfo | None:
        """The model the server reports for the embeddings made so far, and their size (None before
        the first `embed`); the index records it and refuses vectors of another model or size."""
        infos: dict[str, EmbeddingInfo] = getattr(self.backend, "embedding_info", {})
        return infos.get(self.settings.models.embedding)

    async def budget_tokens(self, purpose: Purpose, *, max_tokens: int) -> int:
        """Prompt tokens the caller may spend for `purpose` after reserving `max_tokens` for the answer."""
        await self.ready()
        try:
            return await self.backend.budget_tokens(self.model_for(purpose), max_tokens=max_tokens)
        except AIError as error:
            self._observe(error)
            raise

    async def ready(self, *, quiet: bool = False) -> None:
        """Returns when the backend is believed up (one cheap health check when unknown); raises the
        `AIError` otherwise, told to the user unless `quiet` (a background check nobody asked for:
        the message waits for the first AI request). Callers ask before costly preparation."""
        if not self.settings.enabled:
            raise BackendUnavailable("AI features are turned off (ai.enabled)")
        try:
            await self.health.ensure()
        except AIError as error:
            if not quiet:
                self._notify(error)
            raise

    def announce(self, error: AIError) -> None:
        """Tells the user about a backend problem, once per session."""
        self._notify(error)

    async def check(self) -> Health:
        """A fresh health check, for `csound-lsp doctor` and a "retry" command."""
        self.health.reset()
        health = await self.backend.health()
        self.health.record(None if health.ok else health.error)
        return health

    async def aclose(self) -> None:
        await self.backend.aclose()

    # -- internals --

    def _observe(self, outcome: AIError | None) -> None:
        self.health.record(outcome)
        if outcome is not None:
            self._notify(outcome)

    def _observe_quietly(self, outcome: AIError | None) -> None:
        self.health.record(outcome)
        if outcome is not None:
            log.debug("AI (while typing, not shown): %s", outcome)

    def _notify(self, error: AIError) -> None:
        message = self.notifier.notice(error)
        if message is None:
            return
        log.warning("AI: %s", message)
        if self.on_notice is not None:
            self.on_notice(message)
