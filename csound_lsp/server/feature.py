"""One area of the server: its handlers, the state it keeps, its start and its stop.

The server makes one feature object per area (diagnostics, navigation, completion and hover, AI,
render, the examples index) and registers each; handlers are closures over the feature, so each area's
state lives on its object, typed, and nothing is kept in module globals or added to the server from
outside. `start` runs after `initialized`, `stop` at `shutdown` (in reverse order), so background work
ends before the client's `exit`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from csound_lsp.server.core import CsoundLanguageServer


class Feature:
    def __init__(self, server: CsoundLanguageServer) -> None:
        self.server = server

    def register(self) -> None:
        """Adds the area's handlers to the server (`server.feature`, `server.command`)."""

    async def start(self) -> None:
        """After `initialized`: background work the area needs."""

    async def stop(self) -> None:
        """At `shutdown`: stops what `start` started; never raises."""
