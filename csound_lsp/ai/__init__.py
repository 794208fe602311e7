"""The AI layer: backends for Ollama and OpenAI-compatible servers, settings, streams, health and notices.

Features use `AIService`; the `Backend` protocol underneath is what tests and other servers implement.
"""

from csound_lsp.settings import AIModels, AISettings, AITimeouts, parse_ai_settings

from .availability import HealthCache, Notifier
from .base import (
    Backend,
    ChatMessage,
    EmbeddingInfo,
    EmbedKind,
    Health,
    ModelCapabilities,
    ModelInfo,
    StreamStats,
)
from .budget import estimate_tokens, fit_fim, prompt_budget
from .errors import (
    AIError,
    AITimeout,
    BackendError,
    BackendUnavailable,
    BackendUnreachable,
    CapabilityMissing,
    ConnectionDropped,
    ContextTooLong,
    GenerationSuperseded,
    InsertUnsupported,
    MalformedResponse,
    ModelNotFound,
)
from .fim import FimTemplate, fim_template
from .service import AIService, create_backend
from .stream import GenerationSlot, TextStream

__all__ = [
    "AIError",
    "AIModels",
    "AIService",
    "AISettings",
    "AITimeout",
    "AITimeouts",
    "Backend",
    "BackendError",
    "BackendUnavailable",
    "BackendUnreachable",
    "CapabilityMissing",
    "ChatMessage",
    "ConnectionDropped",
    "ContextTooLong",
    "EmbedKind",
    "EmbeddingInfo",
    "FimTemplate",
    "GenerationSlot",
    "GenerationSuperseded",
    "Health",
    "HealthCache",
    "InsertUnsupported",
    "MalformedResponse",
    "ModelCapabilities",
    "ModelInfo",
    "ModelNotFound",
    "Notifier",
    "OllamaBackend",
    "OpenAIBackend",
    "StreamStats",
    "TextStream",
    "create_backend",
    "estimate_tokens",
    "fim_template",
    "fit_fim",
    "parse_ai_settings",
    "prompt_budget",
]


def __getattr__(name: str) -> object:
    """The backends load on first use (the ollama client and httpx are slow to import)."""
    if name == "OllamaBackend":
        from .ollama_backend import OllamaBackend

        return OllamaBackend
    if name == "OpenAIBackend":
        from .openai_backend import OpenAIBackend

        return OpenAIBackend
    raise AttributeError(name)
