"""csound-lsp: a language server for Csound with a local AI assistant."""

__version__ = "0.1.0"
