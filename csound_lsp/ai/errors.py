"""One error hierarchy for every AI backend, each carrying a sentence a user can act on.

Backends translate transport and protocol failures (httpx, the `ollama` client, SSE, NDJSON) into
these classes, so features never see a library exception and the server can show `str(error)` as is.
`notify` says whether the error is worth a message at all: a superseded generation is not.
"""

from __future__ import annotations

from csound_lsp.settings import BACKEND_FACTS, BackendKind


class AIError(Exception):
    """Base class; `str(error)` is the user-facing message."""

    #: Whether the server should tell the user (once per session, see `availability.Notifier`).
    notify: bool = True
    #: Whether the backend as a whole is unusable (cached by `availability.HealthCache`).
    backend_down: bool = False

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

    @property
    def notice_key(self) -> str:
        """Identifies 'the same problem' so that it is shown once, not once per keystroke."""
        return f"{type(self).__name__}:{self.message}"


class BackendUnreachable(AIError):
    """Nothing answers at the configured host (refused, unresolvable, connect timeout)."""

    backend_down = True

    def __init__(self, host: str, backend: BackendKind, detail: str = "") -> None:
        hint = BACKEND_FACTS[backend].start_hint
        message = f"No AI backend at {host}: {hint} or set csound-lsp's ai.host / CSOUND_LSP_AI_HOST"
        if detail:
            message += f" ({detail})"
        super().__init__(message)
        self.host = host
        self.backend = backend

    @property
    def notice_key(self) -> str:
        return f"unreachable:{self.host}"


class BackendUnavailable(AIError):
    """AI is switched off in the settings."""

    notify = False


class ModelNotFound(AIError):
    """The server answered 404 for the model: not pulled (Ollama) or not loaded (other servers)."""

    def __init__(self, model: str, host: str, *, ollama: bool = True) -> None:
        if ollama:
            message = f"AI model {model} is not pulled: run `ollama pull {model}`"
        else:
            message = f"AI model {model} is not served at {host}: load it or set ai.models in the settings"
        super().__init__(message)
        self.model = model


class InsertUnsupported(AIError):
    """The model rejected `suffix`; backends catch this and fall back to raw FIM tokens."""

    notify = False

    def __init__(self, model: str) -> None:
        super().__init__(f"AI model {model} does not support fill-in-the-middle")
        self.model = model


class CapabilityMissing(AIError):
    """The model cannot do what was asked (embeddings from a chat model, for example)."""


class ContextTooLong(AIError):
    """A prompt that does not fit the model's context window; never sent, so never silently cut."""

    def __init__(self, needed: int, budget: int, model: str) -> None:
        super().__init__(
            f"The AI prompt needs about {needed} tokens but {model} has room for {budget}: "
            "shorten the selection, or set ai.numCtx if the server runs the model with a larger window"
        )
        self.needed = needed
        self.budget = budget


class BackendError(AIError):
    """The server reported an error (HTTP status, or an error line in the middle of a stream)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class MalformedResponse(AIError):
    """Bytes that are not the protocol we expected (garbage, wrong JSON shape, a non-AI server)."""


class ConnectionDropped(AIError):
    """The connection closed before the generation said it was done."""


class AITimeout(AIError):
    """Base for timeouts; `phase` is connect, first-token, stall or total."""

    def __init__(self, phase: str, seconds: float, host: str) -> None:
        what = {
            "first-token": f"gave no first token within {seconds:g} s (is the model still loading?)",
            "stall": f"stopped sending for {seconds:g} s",
            "total": f"did not finish within {seconds:g} s",
        }.get(phase, f"timed out after {seconds:g} s")
        super().__init__(f"The AI backend at {host} {what}")
        self.phase = phase
        self.seconds = seconds


class GenerationSuperseded(AIError):
    """A newer request on the same lane replaced this one; callers drop their result quietly."""

    notify = False

    def __init__(self) -> None:
        super().__init__("superseded by a newer AI request")
