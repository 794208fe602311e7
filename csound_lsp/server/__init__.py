"""The language server: a thin pygls 2.x adapter from LSP messages to the feature layer.

`core` holds the server, the protocol and the document lifecycle; each other module is one area's
`Feature` (diagnostics, navigation, assist: completion, hover, signature help and code actions, ai,
render, index), and `log` sends log records to the editor. `csound_lsp.server.create_server` is what
`csound-lsp serve` runs.
"""

from csound_lsp.server.core import CsoundLanguageServer, create_server
from csound_lsp.server.diagnostics import PUBLISH_DELAY_S

__all__ = ["PUBLISH_DELAY_S", "CsoundLanguageServer", "create_server"]
