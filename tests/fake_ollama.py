"""A loopback HTTP server that speaks Ollama's API as documented (docs/api.md in ollama/ollama), plus the
OpenAI-style `/v1` routes Ollama also serves, with faults a test can script.

Native routes: GET /, /api/version, /api/tags; POST /api/show, /api/generate, /api/chat, /api/embed;
llama.cpp's GET /props when `props_n_ctx` is set.
Streams are NDJSON over chunked transfer encoding; the last object has `done: true`, `done_reason`
and the timing and count fields. `/v1/completions`, `/v1/chat/completions` stream server-sent events
ending in `data: [DONE]`; `/v1/embeddings` and `/v1/models` answer plain JSON.

Every request is recorded with its JSON body, and whether the server saw the client hang up before
the answer was complete (`Recorded.disconnected`), so tests can assert on what the client sent and
that a cancelled stream really closed its connection.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import select
import socket
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

FaultKind = Literal[
    "http_error",  # answer `status` with {"error": message} before any streaming
    "error_midstream",  # HTTP 200, `after` chunks, then an error line / event
    "slow_first_token",  # wait `delay` seconds before the headers (as Ollama does while loading a model)
    "stall",  # `after` chunks, then silence for `delay` seconds
    "drop",  # `after` chunks, then close the socket without ending the chunked body
    "garbage",  # `after` chunks, then bytes that are not JSON, then a proper end
    "no_done",  # all chunks, then a proper end of body without the final done object
]

STREAM_PATHS = ("/api/generate", "/api/chat", "/v1/completions", "/v1/chat/completions")


@dataclass
class FakeModel:
    name: str
    capabilities: tuple[str, ...] = ("completion",)
    family: str = "qwen2"
    architecture: str = "qwen2"
    context_length: int = 32768
    template: str = "{{ .Prompt }}"
    embedding_length: int = 8
    #: Modelfile `PARAMETER num_ctx`, listed in `/api/show`'s parameters when set.
    num_ctx: int | None = None


@dataclass
class Fault:
    kind: FaultKind
    #: Endpoint this fault waits for; None means the next streaming request.
    path: str | None = None
    status: int = 500
    message: str = "fake failure"
    after: int = 1
    delay: float = 0.0
    #: How many requests it applies to; None means all of them from now on.
    times: int | None = 1


@dataclass
class Recorded:
    method: str
    path: str
    body: Any
    headers: dict[str, str]
    disconnected: threading.Event = field(default_factory=threading.Event)
    finished: threading.Event = field(default_factory=threading.Event)


DEFAULT_MODELS = (
    FakeModel("qwen2.5-coder:1.5b-base", capabilities=("completion", "insert")),
    FakeModel("qwen2.5-coder:7b-instruct", capabilities=("completion", "tools", "insert")),
    FakeModel("codellama:7b-code", capabilities=("completion",), family="llama", architecture="llama"),
    FakeModel("mystery-model:1b", capabilities=("completion",), family="llama", architecture="llama"),
    FakeModel(
        "nomic-embed-text:latest",
        capabilities=("embedding",),
        family="nomic-bert",
        architecture="nomic-bert",
        context_length=2048,
    ),
)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client closing an idle keep-alive connection is normal here, not worth a traceback."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class FakeOllama:
    """Start with `with FakeOllama() as fake:`; `fake.url` is the base URL."""

    def __init__(
        self,
        models: tuple[FakeModel, ...] = DEFAULT_MODELS,
        tokens: tuple[str, ...] = ("instr", " 1", "\n", "  aout", " oscili", " 0.5", ",", " 440"),
        token_delay: float = 0.0,
    ) -> None:
        self.models = {model.name: model for model in models}
        self.tokens = tokens
        self.token_delay = token_delay
        self.version = "0.6.5"
        self.requests: list[Recorded] = []
        self.faults: list[Fault] = []
        #: Answer GET /props as llama.cpp's llama-server does, with this `n_ctx` (None: 404 as Ollama).
        self.props_n_ctx: int | None = None
        #: What the final line reports as the prompt's evaluation: tokens and nanoseconds.
        self.prompt_eval: tuple[int, int] = (12, 2_000_000)
        #: The model name embedding answers report (None: the one asked for), and a vector size
        #: override: an OpenAI-style server that ignores the name and embeds with its own model.
        self.served_embedding_model: str | None = None
        self.served_embedding_length: int | None = None
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = _Server(("127.0.0.1", 0), _make_handler(self))
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> FakeOllama:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def add_fault(self, kind: FaultKind, **kwargs: Any) -> Fault:
        fault = Fault(kind, **kwargs)
        with self._lock:
            self.faults.append(fault)
        return fault

    def requests_to(self, path: str) -> list[Recorded]:
        with self._lock:
            return [request for request in self.requests if request.path == path]

    def wait_disconnected(self, request: Recorded, timeout: float = 5.0) -> bool:
        return request.disconnected.wait(timeout)

    # -- used by the handler --

    def _take_fault(self, path: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.path == path or (fault.path is None and path in STREAM_PATHS):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            self.faults.remove(fault)
                    return fault
        return None

    def _record(self, request: Recorded) -> None:
        with self._lock:
            self.requests.append(request)


def _vector(text: str, dims: int) -> list[float]:
    digest = hashlib.sha256(text.encode()).digest()
    return [round((digest[i % len(digest)] - 128) / 128, 6) for i in range(dims)]


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime())


def _make_handler(fake: FakeOllama) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        record: Recorded

        def log_message(self, format: str, *args: Any) -> None:  # quiet test output
            pass

        # -- plumbing --

        def _read_body(self) -> Any:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            if not raw:
                return None
            try:
                return json.loads(raw)
            except ValueError:
                return raw.decode("utf-8", "replace")

        def _begin(self) -> None:
            self.record = Recorded(self.command, self.path, self._read_body(), dict(self.headers.items()))
            fake._record(self.record)

        def _json(self, status: int, payload: Any) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            self.record.finished.set()

        def _error(self, status: int, message: str) -> None:
            if self.path.startswith("/v1/"):
                self._json(status, {"error": {"message": message, "type": "api_error"}})
            else:
                self._json(status, {"error": message})

        def _client_gone(self) -> bool:
            """True once the client has closed its end (readable socket with nothing to read)."""
            try:
                readable, _, _ = select.select([self.connection], [], [], 0)
                if readable:
                    peeked: bytes = self.connection.recv(1, socket.MSG_PEEK)
                    return peeked == b""
            except OSError:
                return True
            return False

        def _sleep(self, seconds: float) -> bool:
            """Sleeps in small steps; False (and the disconnect recorded) if the client hangs up."""
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                if fake._stopping.is_set():
                    return False
                if self._client_gone():
                    self.record.disconnected.set()
                    return False
                time.sleep(0.01)
            return True

        def _chunk(self, data: bytes) -> bool:
            if self._client_gone():
                self.record.disconnected.set()
                return False
            try:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                self.wfile.flush()
            except OSError:
                self.record.disconnected.set()
                return False
            return True

        def _end_chunks(self) -> None:
            try:
                self.wfile.write(b"0\r\n\r\n")
                self.wfile.flush()
            except OSError:
                self.record.disconnected.set()
            self.record.finished.set()

        def _drop(self) -> None:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            self.record.finished.set()

        # -- routing --

        def do_GET(self) -> None:
            self._begin()
            if self.path == "/":
                text = b"Ollama is running"
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(text)))
                self.end_headers()
                self.wfile.write(text)
            elif self.path == "/api/version":
                self._json(200, {"version": fake.version})
            elif self.path == "/api/tags":
                self._json(200, {"models": [self._tag(model) for model in fake.models.values()]})
            elif self.path == "/props" and fake.props_n_ctx is not None:
                settings = {"n_ctx": fake.props_n_ctx, "temperature": 0.8}
                self._json(200, {"default_generation_settings": settings, "total_slots": 1})
            elif self.path == "/v1/models":
                data = [
                    {"id": name, "object": "model", "created": 0, "owned_by": "library"}
                    for name in fake.models
                ]
                self._json(200, {"object": "list", "data": data})
            else:
                self._json(404, {"error": "404 page not found"})

        def do_POST(self) -> None:
            self._begin()
            body = self.record.body if isinstance(self.record.body, dict) else {}
            fault = fake._take_fault(self.path)
            if fault is not None and fault.kind == "http_error":
                self._error(fault.status, fault.message)
                return
            routes = {
                "/api/show": self._show,
                "/api/generate": self._generate,
                "/api/chat": self._chat,
                "/api/embed": self._embed,
                "/v1/completions": self._v1_completions,
                "/v1/chat/completions": self._v1_chat,
                "/v1/embeddings": self._v1_embeddings,
            }
            route = routes.get(self.path)
            if route is None:
                self._json(404, {"error": "404 page not found"})
                return
            route(body, fault)

        def _model(self, body: dict[str, Any]) -> FakeModel | None:
            name = str(body.get("model") or "")
            model = fake.models.get(name) or fake.models.get(f"{name}:latest")
            if model is None:
                self._error(404, f'model "{name}" not found, try pulling it first')
            return model

        def _tag(self, model: FakeModel) -> dict[str, Any]:
            return {
                "name": model.name,
                "model": model.name,
                "modified_at": "2025-01-01T00:00:00Z",
                "size": 1_000_000,
                "digest": hashlib.sha256(model.name.encode()).hexdigest(),
                "details": {
                    "parent_model": "",
                    "format": "gguf",
                    "family": model.family,
                    "families": [model.family],
                    "parameter_size": "1.5B",
                    "quantization_level": "Q4_K_M",
                },
            }

        def _show(self, body: dict[str, Any], fault: Fault | None) -> None:
            model = self._model(body)
            if model is None:
                return
            tag = self._tag(model)
            self._json(
                200,
                {
                    "modelfile": f"FROM {model.name}",
                    "parameters": 'stop "<|endoftext|>"'
                    + (f"\nnum_ctx {model.num_ctx}" if model.num_ctx else ""),
                    "template": model.template,
                    "details": tag["details"],
                    "model_info": {
                        "general.architecture": model.architecture,
                        f"{model.architecture}.context_length": model.context_length,
                        f"{model.architecture}.embedding_length": model.embedding_length,
                    },
                    "capabilities": list(model.capabilities),
                    "modified_at": tag["modified_at"],
                },
            )

        # -- generation --

        def _tokens(self, body: dict[str, Any]) -> tuple[list[str], str]:
            options = body.get("options") or {}
            limit = options.get("num_predict") or body.get("max_tokens")
            tokens = list(fake.tokens)
            if isinstance(limit, int) and 0 < limit < len(tokens):
                return tokens[:limit], "length"
            return tokens, "stop"

        def _final_fields(self, count: int) -> dict[str, Any]:
            return {
                "total_duration": 1_000_000 * (count + 5),
                "load_duration": 1_000_000,
                "prompt_eval_count": fake.prompt_eval[0],
                "prompt_eval_duration": fake.prompt_eval[1],
                "eval_count": count,
                "eval_duration": 1_000_000 * count,
            }

        def _generate(self, body: dict[str, Any], fault: Fault | None) -> None:
            model = self._model(body)
            if model is None:
                return
            if body.get("suffix") and "insert" not in model.capabilities:
                self._error(400, f"registry.ollama.ai/library/{model.name} does not support insert")
                return

            def part(token: str) -> dict[str, Any]:
                return {"model": model.name, "created_at": _now(), "response": token, "done": False}

            def final(reason: str, count: int) -> dict[str, Any]:
                done = {"model": model.name, "created_at": _now(), "response": "", "done": True}
                return {**done, "done_reason": reason, "context": [1, 2, 3], **self._final_fields(count)}

            self._ndjson(body, fault, part, final)

        def _chat(self, body: dict[str, Any], fault: Fault | None) -> None:
            model = self._model(body)
            if model is None:
                return

            def part(token: str) -> dict[str, Any]:
                message = {"role": "assistant", "content": token}
                return {"model": model.name, "created_at": _now(), "message": message, "done": False}

            def final(reason: str, count: int) -> dict[str, Any]:
                message = {"role": "assistant", "content": ""}
                done = {"model": model.name, "created_at": _now(), "message": message, "done": True}
                return {**done, "done_reason": reason, **self._final_fields(count)}

            self._ndjson(body, fault, part, final)

        def _ndjson(self, body: dict[str, Any], fault: Fault | None, part: Any, final: Any) -> None:
            tokens, reason = self._tokens(body)
            if body.get("stream") is False:
                text = "".join(tokens)
                whole = final(reason, len(tokens))
                if "response" in whole:
                    whole["response"] = text
                else:
                    whole["message"]["content"] = text
                self._json(200, whole)
                return
            lines = (json.dumps(part(token)).encode() + b"\n" for token in tokens)
            self._stream(
                "application/x-ndjson",
                lines,
                json.dumps(final(reason, len(tokens))).encode() + b"\n",
                fault,
                error_line=lambda message: json.dumps({"error": message}).encode() + b"\n",
            )

        def _stream(
            self,
            content_type: str,
            lines: Iterator[bytes],
            last: bytes,
            fault: Fault | None,
            error_line: Any,
        ) -> None:
            if fault is not None and fault.kind == "slow_first_token" and not self._sleep(fault.delay):
                self.record.finished.set()
                return
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for sent, line in enumerate(lines):
                if fault is not None and sent == fault.after:
                    if fault.kind == "error_midstream":
                        self._chunk(error_line(fault.message))
                        self._end_chunks()
                        return
                    if fault.kind == "drop":
                        self._drop()
                        return
                    if fault.kind == "garbage":
                        self._chunk(b"\x00\xff\xfe<html>not json at all\n")
                        self._end_chunks()
                        return
                    if fault.kind == "stall" and not self._sleep(fault.delay):
                        self.record.finished.set()
                        return
                if sent and fake.token_delay and not self._sleep(fake.token_delay):
                    self.record.finished.set()
                    return
                if not self._chunk(line):
                    self.record.finished.set()
                    return
            if fault is None or fault.kind != "no_done":
                self._chunk(last)
            self._end_chunks()

        # -- OpenAI-compatible routes --

        def _sse(self, body: dict[str, Any], fault: Fault | None, event: Any) -> None:
            tokens, reason = self._tokens(body)
            lines = (b"data: " + json.dumps(event(token, None)).encode() + b"\n\n" for token in tokens)
            last = b"data: " + json.dumps(event("", reason)).encode() + b"\n\n"
            if (body.get("stream_options") or {}).get("include_usage"):
                usage = {
                    "prompt_tokens": 12,
                    "completion_tokens": len(tokens),
                    "total_tokens": 12 + len(tokens),
                }
                last += b"data: " + json.dumps({"choices": [], "usage": usage}).encode() + b"\n\n"
            last += b"data: [DONE]\n\n"
            self._stream(
                "text/event-stream",
                lines,
                last,
                fault,
                error_line=lambda message: (
                    b"data: "
                    + json.dumps({"error": {"message": message, "type": "api_error"}}).encode()
                    + b"\n\n"
                ),
            )

        def _v1_completions(self, body: dict[str, Any], fault: Fault | None) -> None:
            model = self._model(body)
            if model is None:
                return

            def event(token: str, reason: str | None) -> dict[str, Any]:
                choice = {"text": token, "index": 0, "finish_reason": reason}
                return {"id": "cmpl-1", "object": "text_completion", "model": model.name, "choices": [choice]}

            self._sse(body, fault, event)

        def _v1_chat(self, body: dict[str, Any], fault: Fault | None) -> None:
            model = self._model(body)
            if model is None:
                return

            def event(token: str, reason: str | None) -> dict[str, Any]:
                delta = {"role": "assistant", "content": token} if token else {}
                choice = {"index": 0, "delta": delta, "finish_reason": reason}
                return {
                    "id": "chat-1",
                    "object": "chat.completion.chunk",
                    "model": model.name,
                    "choices": [choice],
                }

            self._sse(body, fault, event)

        def _embed(self, body: dict[str, Any], fault: Fault | None) -> None:
            model = self._model(body)
            if model is None:
                return
            if "embedding" not in model.capabilities:
                self._error(400, "this model does not support embeddings")
                return
            inputs = body.get("input")
            texts = [inputs] if isinstance(inputs, str) else list(inputs or [])
            dims = fake.served_embedding_length or model.embedding_length
            vectors = [_vector(str(text), dims) for text in texts]
            name = fake.served_embedding_model or model.name
            self._json(
                200,
                {"model": name, "embeddings": vectors, "total_duration": 1000, "prompt_eval_count": 4},
            )

        def _v1_embeddings(self, body: dict[str, Any], fault: Fault | None) -> None:
            model = self._model(body)
            if model is None:
                return
            inputs = body.get("input")
            texts = [inputs] if isinstance(inputs, str) else list(inputs or [])
            dims = fake.served_embedding_length or model.embedding_length
            data = [
                {"object": "embedding", "index": i, "embedding": _vector(str(text), dims)}
                for i, text in enumerate(texts)
            ]
            name = fake.served_embedding_model or model.name
            self._json(200, {"object": "list", "model": name, "data": list(reversed(data))})

    return Handler
