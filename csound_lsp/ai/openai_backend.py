"""OpenAI-compatible servers (llama.cpp's llama-server, LM Studio, vLLM, Ollama's own `/v1`) over httpx.

`/v1/completions` for inline completion with the model family's FIM tokens written into the prompt
(the portable way: not every server takes `suffix`), `/v1/chat/completions`, `/v1/embeddings`, all
streamed as server-sent events ending in `data: [DONE]`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncGenerator, Sequence
from typing import Any

import httpx

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
    ConnectionDropped,
    MalformedResponse,
    ModelNotFound,
)
from .fim import fim_template
from .stream import TextStream


class OpenAIBackend(BackendCore):
    kind: BackendKind = "openai"

    def __init__(self, settings: AISettings) -> None:
        super().__init__(settings)
        self._http = httpx.AsyncClient(
            base_url=self.host, timeout=self._http_timeout, headers={"Accept": "application/json"}
        )
        #: The one model the server lists, "" when it lists several (None: not asked yet).
        self._single_model: str | None = None

    async def aclose(self) -> None:
        await self._close_slots()
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
            stops = list(stop)
            if caps.fim is not None:
                stats.fim_mode = "raw-fim"
                prompt = caps.fim.render(head, tail)
                stops += [token for token in caps.fim.stops if token not in stops]
            else:
                stats.fim_mode = "prefix-only"
                prompt = head
            body: dict[str, Any] = {
                "model": model,
                "prompt": prompt,
                "max_tokens": max_tokens,
                "temperature": temperature,
                "stream": True,
                "stream_options": {"include_usage": True},  # token counts in a last chunk
            }
            if stops:
                body["stop"] = stops
            async for event in self._events("/v1/completions", body, model, stats):
                choice = _first_choice(event)
                text = choice.get("text")
                if isinstance(text, str) and text:
                    yield text
                _record(stats, event, choice)

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
            await self._check_chat_fits(messages, model, max_tokens)
            body: dict[str, Any] = {
                "model": model,
                "messages": [{"role": m.role, "content": m.content} for m in messages],
                "max_tokens": max_tokens,
                "temperature": temperature,
                "stream": True,
                "stream_options": {"include_usage": True},  # token counts in a last chunk
            }
            if stop:
                body["stop"] = list(stop)
            async for event in self._events("/v1/chat/completions", body, model, stats):
                choice = _first_choice(event)
                delta = choice.get("delta") or choice.get("message")  # "message" when not streamed
                content = delta.get("content") if isinstance(delta, dict) else None
                if isinstance(content, str) and content:
                    yield content
                _record(stats, event, choice)

        return self._stream(source, lane)

    async def _events(
        self, path: str, body: dict[str, Any], model: str, stats: StreamStats
    ) -> AsyncGenerator[dict[str, Any], None]:
        """The JSON payloads of an SSE response, up to `data: [DONE]`."""
        try:
            async with self._http.stream("POST", path, json=body) as response:
                if response.status_code >= 400:
                    await response.aread()
                    raise self._status_error(response, model)
                if response.headers.get("content-type", "").startswith("application/json"):
                    # A server that ignored `stream: true` answers with one whole object.
                    await response.aread()
                    event = self._decode_event(response.text, path)
                    stats.done_reason = stats.done_reason or "stop"
                    yield event
                    return
                data: list[str] = []
                async for line in response.aiter_lines():
                    if line.startswith("data:"):
                        data.append(line[5:].removeprefix(" "))
                    elif not line.strip():
                        if data:  # a blank line ends an event
                            payload, data = "\n".join(data), []
                            if payload.strip() == "[DONE]":
                                return
                            yield self._decode_event(payload, path)
                    elif line.startswith("error:"):  # some llama.cpp versions send errors as their own field
                        raise BackendError(f"The AI server stopped mid-answer: {line[6:].strip()}")
                    elif not line.startswith((":", "event:", "id:", "retry:")):
                        raise MalformedResponse(
                            f"{self.host} sent something other than server-sent events on {path}"
                        )
                if data:  # a last event without its blank line
                    payload = "\n".join(data)
                    if payload.strip() == "[DONE]":
                        return
                    yield self._decode_event(payload, path)
                if stats.done_reason is None:
                    raise ConnectionDropped(
                        f"The AI server at {self.host} ended the answer early: the connection closed"
                    )
        except AIError:
            raise
        except Exception as error:
            mapped = self._transport_error(error, stats)
            if mapped is None:
                raise
            raise mapped from error

    def _decode_event(self, payload: str, path: str) -> dict[str, Any]:
        try:
            event = json.loads(payload)
        except ValueError:
            raise MalformedResponse(f"{self.host} sent an event on {path} that is not JSON") from None
        if not isinstance(event, dict):
            raise MalformedResponse(f"{self.host} sent an event on {path} that is not an object")
        if "error" in event:
            raise BackendError(f"The AI server stopped mid-answer: {_error_text(event)}")
        return event

    def _status_error(self, response: httpx.Response, model: str) -> AIError:
        status = response.status_code
        text = _error_text(_json_or_none(response)) or response.text[:200].strip()
        lowered = text.lower()
        if status == 404 and (not text or "model" in lowered or "not found" in lowered):
            return ModelNotFound(model, self.host, ollama="pull" in lowered)
        if "physical batch size" in lowered:  # llama.cpp embeds a whole input in one micro-batch
            return BackendError(
                f"The AI server at {self.host} cannot embed a text this long ({text}): start llama-server "
                "with a larger -ub and -b, or index shorter chunks",
                status,
            )
        return BackendError(f"The AI server at {self.host} answered {status}: {text}", status)

    # -- embeddings and model information --

    async def embed(
        self, texts: Sequence[str], *, model: str, kind: EmbedKind = "document"
    ) -> list[list[float]]:
        if not texts:
            return []
        prefix = nomic_prefix(model, kind)
        body = {"model": model, "input": [prefix + text for text in texts]}
        event = await self._post_json("/v1/embeddings", body, model)
        items = event.get("data")
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            raise MalformedResponse(f"{self.host} answered /v1/embeddings without a data list")
        items = sorted(items, key=lambda item: item.get("index", 0))
        vectors = check_embeddings([item.get("embedding") or [] for item in items], len(texts), model)
        reported = event.get("model")
        served = await self._served_model(model, reported if isinstance(reported, str) else None)
        self._note_embedding(model, served, vectors)
        return vectors

    async def _served_model(self, requested: str, reported: str | None) -> str | None:
        """The model that really answered: llama-server echoes the name it was sent but serves its one
        model, which `/v1/models` lists alone; otherwise the name the answer reports."""
        if self._single_model is None:
            self._single_model = ""
            with contextlib.suppress(AIError):
                items = [
                    item
                    for item in (await self._get_json("/v1/models")).get("data") or []
                    if isinstance(item, dict)
                ]
                if len(items) == 1 and isinstance(items[0].get("id"), str):
                    self._single_model = items[0]["id"]
        if self._single_model and self._single_model != requested:
            return self._single_model
        return reported

    async def models(self) -> list[ModelInfo]:
        event = await self._get_json("/v1/models")
        items = event.get("data")
        if not isinstance(items, list):
            raise MalformedResponse(f"{self.host} answered /v1/models without a data list")
        return [ModelInfo(name=str(item.get("id"))) for item in items if isinstance(item, dict)]

    async def _fetch_capabilities(self, model: str) -> ModelCapabilities:
        """The window the server runs with: llama.cpp's `/props` (`default_generation_settings.n_ctx`,
        the per-slot window), else what `/v1/models` says (llama.cpp `meta.n_ctx` / `n_ctx_train`,
        vLLM `max_model_len`, LM Studio `max_context_length`)."""
        running: int | None = None
        trained: int | None = None
        with contextlib.suppress(AIError):
            props = await self._get_json("/props")
            settings = props.get("default_generation_settings")
            n_ctx = settings.get("n_ctx") if isinstance(settings, dict) else None
            if not isinstance(n_ctx, int):
                n_ctx = props.get("n_ctx")
            running = n_ctx if isinstance(n_ctx, int) and n_ctx > 0 else None
        with contextlib.suppress(AIError):
            items = [
                item
                for item in (await self._get_json("/v1/models")).get("data") or []
                if isinstance(item, dict)
            ]
            matching = [item for item in items if item.get("id") == model]
            if not matching and len(items) == 1:
                matching = items  # llama-server serves one model whatever the name asked for
            item: dict[str, Any] = matching[0] if matching else {}
            found = item.get("meta")
            meta: dict[str, Any] = found if isinstance(found, dict) else {}
            for value in (meta.get("n_ctx"), item.get("max_model_len"), item.get("max_context_length")):
                if running is None and isinstance(value, int) and value > 0:
                    running = value
            if isinstance(meta.get("n_ctx_train"), int):
                trained = meta["n_ctx_train"]
        return ModelCapabilities(
            model=model,
            insert=False,
            embedding=None,
            context_length=trained,
            family=None,
            fim=fim_template(model),
            num_ctx=running,
        )

    async def health(self) -> Health:
        """llama.cpp's `/health` (503 while loading); servers without it get `/v1/models`."""
        try:
            response = await self._http.get("/health", timeout=self.settings.timeouts.connect_s)
            if response.status_code == 404:
                await self._get_json("/v1/models")
            elif response.status_code == 503:
                return self._unhealthy(
                    BackendError(f"The AI server at {self.host} is still loading its model")
                )
            elif response.status_code >= 400:
                return self._unhealthy(self._status_error(response, ""))
        except AIError as error:
            return self._unhealthy(error)
        except Exception as error:
            mapped = self._transport_error(error)
            if mapped is None:
                raise
            return self._unhealthy(mapped)
        return Health(ok=True, backend=self.kind, host=self.host)

    def _unhealthy(self, error: AIError) -> Health:
        return Health(ok=False, backend=self.kind, host=self.host, error=error)

    # -- plain JSON requests --

    async def _get_json(self, path: str) -> dict[str, Any]:
        return await self._request_json("GET", path, None, "")

    async def _post_json(self, path: str, body: dict[str, Any], model: str) -> dict[str, Any]:
        return await self._request_json("POST", path, body, model)

    async def _request_json(
        self, method: str, path: str, body: dict[str, Any] | None, model: str
    ) -> dict[str, Any]:
        total = self.settings.timeouts.total_s
        try:
            async with asyncio.timeout(total):
                response = await self._http.request(method, path, json=body)
        except TimeoutError:
            raise AITimeout("total", total, self.host) from None
        except Exception as error:
            mapped = self._transport_error(error)
            if mapped is None:
                raise
            raise mapped from error
        if response.status_code >= 400:
            raise self._status_error(response, model)
        event = _json_or_none(response)
        if not isinstance(event, dict):
            raise MalformedResponse(f"{self.host} answered {path} with something that is not a JSON object")
        return event


def _first_choice(event: dict[str, Any]) -> dict[str, Any]:
    choices = event.get("choices")
    if isinstance(choices, list) and choices and isinstance(choices[0], dict):
        return choices[0]
    return {}


def _record(stats: StreamStats, event: dict[str, Any], choice: dict[str, Any]) -> None:
    reason = choice.get("finish_reason")
    if isinstance(reason, str):
        stats.done_reason = reason
    usage = event.get("usage")
    if isinstance(usage, dict):
        stats.prompt_tokens = usage.get("prompt_tokens")
        stats.completion_tokens = usage.get("completion_tokens")
    timings = event.get("timings")  # llama.cpp: the tokens it processed (not cached ones) and the time
    if isinstance(timings, dict):
        count, ms = timings.get("prompt_n"), timings.get("prompt_ms")
        if isinstance(count, int) and isinstance(ms, int | float) and count > 0 and ms > 0:
            stats.prompt_eval_tokens, stats.prompt_eval_s = count, ms / 1000


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _error_text(event: Any) -> str:
    """OpenAI's `{"error": {"message": ...}}`, or a bare `{"error": "..."}` as some servers send."""
    if not isinstance(event, dict):
        return ""
    error = event.get("error")
    if isinstance(error, dict):
        return str(error.get("message") or error)
    return str(error) if error is not None else ""
