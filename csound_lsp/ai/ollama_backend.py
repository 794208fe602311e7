"""Ollama's native API (`/api/generate`, `/api/chat`, `/api/embed`, `/api/show`, `/api/tags`) through the
official `ollama` client.

Fill-in-the-middle: a model whose `/api/show` lists the `insert` capability gets `prompt` + `suffix`
and Ollama applies its template. Others (and a model that answers 400 "does not support insert")
get `raw: true` with the family's FIM tokens written by us. An empty suffix is never sent: Ollama
reads it as "no suffix" and answers with the plain chat template instead of an infill.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import replace
from typing import Any, TypeVar

import httpx
import ollama

from csound_lsp.settings import AISettings, BackendKind

from .base import (
    ChatMessage,
    EmbedKind,
    Health,
    ModelCapabilities,
    ModelInfo,
    StreamStats,
    check_embeddings,
    nomic_prefix,
)
from .core import BackendCore
from .errors import (
    AIError,
    AITimeout,
    BackendError,
    CapabilityMissing,
    ConnectionDropped,
    InsertUnsupported,
    MalformedResponse,
    ModelNotFound,
)
from .fim import fim_template
from .stream import TextStream

log = logging.getLogger(__name__)

T = TypeVar("T")


class OllamaBackend(BackendCore):
    kind: BackendKind = "ollama"

    def __init__(self, settings: AISettings) -> None:
        super().__init__(settings)
        self._client = ollama.AsyncClient(host=self.host, timeout=self._http_timeout)
        self._http = httpx.AsyncClient(base_url=self.host, timeout=settings.timeouts.connect_s)

    async def aclose(self) -> None:
        await self._close_slots()
        await self._client.close()  # type: ignore[no-untyped-call]
        await self._http.aclose()

    # -- generation --

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
    ) -> TextStream:
        async def source(stats: StreamStats) -> AsyncGenerator[str, None]:
            caps = await self.capabilities(model)
            head, tail = await self._fit_fim(prefix, suffix, model, max_tokens, stats)
            options = self._options(caps, max_tokens, temperature, stop)
            if tail and caps.insert:
                stats.fim_mode = "insert"
                try:
                    async for chunk in self._generate(model, head, tail, False, options, stats):
                        yield chunk
                    return
                except InsertUnsupported:
                    if stats.chunks:
                        raise
                    log.info("%s rejected suffix; using raw FIM tokens", model)
                    caps = replace(caps, insert=False)
                    self._capabilities[model] = caps
            if caps.fim is not None:
                stats.fim_mode = "raw-fim"
                prompt = caps.fim.render(head, tail)
                options["stop"] = [*stop, *caps.fim.stops]
            else:
                stats.fim_mode = "prefix-only"  # no FIM format known: complete the prefix alone
                prompt = head
            async for chunk in self._generate(model, prompt, None, True, options, stats):
                yield chunk

        return self._stream(source, lane)

    def stream_chat(
        self,
        messages: Sequence[ChatMessage],
        *,
        model: str,
        max_tokens: int = 1024,
        stop: Sequence[str] = (),
        temperature: float = 0.2,
        lane: str = "chat",
    ) -> TextStream:
        async def source(stats: StreamStats) -> AsyncGenerator[str, None]:
            caps = await self.capabilities(model)
            await self._check_chat_fits(messages, model, max_tokens)
            payload = [{"role": message.role, "content": message.content} for message in messages]
            options = self._options(caps, max_tokens, temperature, stop)

            def open_stream() -> Awaitable[AsyncIterator[ollama.ChatResponse]]:
                return self._client.chat(
                    model=model,
                    messages=payload,
                    stream=True,
                    options=options,
                    keep_alive=self.settings.keep_alive,
                )

            async for part in self._parts(open_stream, model, stats):
                if part.message.content:
                    yield part.message.content
                if part.done:
                    _record(stats, part)
                    return
            raise self._dropped()

        return self._stream(source, lane)

    async def _generate(
        self,
        model: str,
        prompt: str,
        suffix: str | None,
        raw: bool,
        options: dict[str, Any],
        stats: StreamStats,
    ) -> AsyncGenerator[str, None]:
        assert suffix is None or suffix, "an empty suffix silently turns FIM off"

        # Left out, `suffix` and `raw` are not sent at all (the client drops None values).
        extra: dict[str, Any] = {}
        if suffix:
            extra["suffix"] = suffix
        if raw:
            extra["raw"] = True

        def open_stream() -> Awaitable[AsyncIterator[ollama.GenerateResponse]]:
            return self._client.generate(
                model=model,
                prompt=prompt,
                stream=True,
                options=options,
                keep_alive=self.settings.keep_alive,
                **extra,
            )

        async for part in self._parts(open_stream, model, stats):
            if part.response:
                yield part.response
            if part.done:
                _record(stats, part)
                return
        raise self._dropped()

    def _options(
        self, caps: ModelCapabilities, max_tokens: int, temperature: float, stop: Sequence[str]
    ) -> dict[str, Any]:
        window = self.window(caps)
        options: dict[str, Any] = {"num_ctx": window, "num_predict": max_tokens, "temperature": temperature}
        if stop:
            options["stop"] = list(stop)
        if self.settings.num_thread:
            options["num_thread"] = self.settings.num_thread
        return options

    async def _parts(
        self,
        open_stream: Callable[[], Awaitable[AsyncIterator[T]]],
        model: str,
        stats: StreamStats,
    ) -> AsyncGenerator[T, None]:
        """The client's NDJSON objects, with every failure of the client turned into an `AIError`."""
        try:
            parts = await open_stream()
        except Exception as error:
            raise self._map_error(error, model, stats) from error
        try:
            while True:
                try:
                    part = await anext(parts)
                except StopAsyncIteration:
                    return
                except Exception as error:
                    raise self._map_error(error, model, stats) from error
                yield part
        finally:
            close = getattr(parts, "aclose", None)
            if close is not None:
                await close()

    def _dropped(self) -> ConnectionDropped:
        return ConnectionDropped(f"Ollama at {self.host} ended the answer early: the connection closed")

    # -- embeddings and model information --

    async def embed(
        self, texts: Sequence[str], *, model: str, kind: EmbedKind = "document"
    ) -> list[list[float]]:
        if not texts:
            return []
        prefix = nomic_prefix(model, kind)
        inputs = [prefix + text for text in texts]
        total = self.settings.timeouts.total_s
        try:
            async with asyncio.timeout(total):
                response = await self._client.embed(
                    model=model, input=inputs, keep_alive=self.settings.keep_alive
                )
        except TimeoutError:
            raise AITimeout("total", total, self.host) from None
        except Exception as error:
            raise self._map_error(error, model, None) from error
        vectors = check_embeddings(response.embeddings, len(texts), model)
        self._note_embedding(model, getattr(response, "model", None), vectors)
        return vectors

    async def models(self) -> list[ModelInfo]:
        try:
            listing = await self._client.list()
        except Exception as error:
            raise self._map_error(error, "", None) from error
        return [
            ModelInfo(
                name=entry.model or "",
                family=entry.details.family if entry.details else None,
                size_bytes=int(entry.size) if entry.size is not None else None,
            )
            for entry in listing.models
        ]

    async def _fetch_capabilities(self, model: str) -> ModelCapabilities:
        try:
            shown = await self._client.show(model)
        except Exception as error:
            raise self._map_error(error, model, None) from error
        listed = shown.capabilities
        template = shown.template or ""
        info = dict(shown.modelinfo or {})
        architecture = info.get("general.architecture")
        context_length = info.get(f"{architecture}.context_length") if architecture else None
        if not isinstance(context_length, int):  # some GGUFs name the key after another architecture
            lengths = [v for k, v in info.items() if k.endswith(".context_length") and isinstance(v, int)]
            context_length = lengths[0] if lengths else None
        return ModelCapabilities(
            model=model,
            # Ollama before 0.6 had no capabilities list; its insert check was the template's .Suffix.
            insert="insert" in listed if listed is not None else ".Suffix" in template,
            embedding="embedding" in listed if listed is not None else None,
            context_length=context_length if isinstance(context_length, int) else None,
            family=shown.details.family if shown.details else None,
            fim=fim_template(model),
            num_ctx=_num_ctx_parameter(shown.parameters),
        )

    async def health(self) -> Health:
        """`GET /api/version`: cheap, and says whether this is Ollama at all."""
        try:
            response = await self._http.get("/api/version")
            response.raise_for_status()
            version = response.json().get("version")
            if not isinstance(version, str):
                raise ValueError("no version")
        except httpx.HTTPStatusError as error:
            status = error.response.status_code
            return self._unhealthy(
                MalformedResponse(f"{self.host} answered {status} to /api/version: is this Ollama?")
            )
        except Exception as error:
            mapped = self._transport_error(error)
            if mapped is None:
                mapped = MalformedResponse(f"{self.host} does not speak Ollama's API: is this Ollama?")
            return self._unhealthy(mapped)
        return Health(ok=True, backend=self.kind, host=self.host, version=version)

    def _unhealthy(self, error: AIError) -> Health:
        return Health(ok=False, backend=self.kind, host=self.host, error=error)

    # -- errors --

    def _map_error(self, error: Exception, model: str, stats: StreamStats | None) -> AIError:
        if isinstance(error, AIError):
            return error
        if isinstance(error, ollama.ResponseError):
            text = str(error.error)
            status = error.status_code
            lowered = text.lower()
            if "does not support insert" in lowered:
                return InsertUnsupported(model)
            if status == 404 or ("not found" in lowered and "pull" in lowered):
                return ModelNotFound(model, self.host) if model else BackendError(text, status)
            if "does not support" in lowered and "embed" in lowered:
                return CapabilityMissing(
                    f"AI model {model} cannot make embeddings: set ai.models.embedding to an embedding "
                    "model such as nomic-embed-text"
                )
            if status == -1:  # an {"error": ...} line after HTTP 200
                return BackendError(f"Ollama stopped mid-answer: {text}")
            return BackendError(f"Ollama at {self.host} answered {status}: {text}", status)
        mapped = self._transport_error(error, stats)
        if mapped is not None:
            return mapped
        if isinstance(error, ValueError | TypeError | KeyError | AttributeError):
            # JSON that does not parse, or parses to the wrong shape (pydantic's errors are ValueErrors).
            return MalformedResponse(
                f"{self.host} sent a reply that is not Ollama's API ({type(error).__name__}): "
                "is something else listening there?"
            )
        return AIError(f"The AI request to {self.host} failed: {error!r}")


def _num_ctx_parameter(parameters: str | None) -> int | None:
    """`num_ctx 8192` from a Modelfile's PARAMETER lines, as `/api/show` lists them."""
    match = re.search(r"^\s*num_ctx\s+(\d+)", parameters or "", re.M)
    return int(match.group(1)) if match else None


def _record(stats: StreamStats, part: ollama.GenerateResponse | ollama.ChatResponse) -> None:
    stats.done_reason = part.done_reason
    stats.prompt_tokens = part.prompt_eval_count
    stats.completion_tokens = part.eval_count
    stats.total_duration_ns = part.total_duration
    if part.prompt_eval_count and part.prompt_eval_duration:
        stats.prompt_eval_tokens = part.prompt_eval_count
        stats.prompt_eval_s = part.prompt_eval_duration / 1e9
