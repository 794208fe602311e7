"""Python's log records to the editor as `window/logMessage`, each with the level it was logged at.

A server's stderr lands in editors' output panels tagged as errors (VS Code's shows every stderr line as
`[error]`), so a warning there reads as a failure. Records go to the client with their own level instead
(error, warning, info, log); stderr keeps only errors, which also reach a client that is not yet (or no
longer) listening. The messages are sent from the event loop whatever thread logged them.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

from lsprotocol import types

#: Harmless protocol chatter pygls logs as warnings (a cancel for a request already answered...).
_PROTOCOL_CHATTER = ("Cancel notification for unknown message id", "Ignoring notification for unknown method")


def message_type(record: logging.LogRecord) -> types.MessageType:
    if record.levelno >= logging.ERROR:
        return types.MessageType.Error
    if record.levelno >= logging.WARNING:
        if record.name.startswith("pygls") and record.getMessage().startswith(_PROTOCOL_CHATTER):
            return types.MessageType.Log
        return types.MessageType.Warning
    if record.levelno >= logging.INFO:
        return types.MessageType.Info
    return types.MessageType.Log


class ClientLogHandler(logging.Handler):
    """Forwards records to `server` through `window/logMessage`; never raises, never recurses."""

    def __init__(self, server: Any, level: int = logging.INFO) -> None:
        super().__init__(level)
        self._server = server
        self._loop: asyncio.AbstractEventLoop | None = None
        self._sending = threading.local()
        #: Records logged on other threads before the loop was known (the first analysis runs on a
        #: worker thread): sent with the first record logged on the loop.
        self._early: list[types.LogMessageParams] = []
        self.setFormatter(logging.Formatter("%(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if self._loop is None or self._loop.is_closed():
            self._loop = running  # the server's loop, learnt from the first record logged on it
        loop = self._loop
        if getattr(self._sending, "active", False):
            return
        try:
            params = types.LogMessageParams(type=message_type(record), message=self.format(record))
        except Exception:  # a record that cannot be formatted is not worth a failure
            return
        if loop is None:
            if len(self._early) < 100:
                self._early.append(params)
            return
        early, self._early = self._early, []
        for waiting in (*early, params):
            if running is loop:
                self._send(waiting)
            else:
                loop.call_soon_threadsafe(self._send, waiting)

    def _send(self, params: types.LogMessageParams) -> None:
        self._sending.active = True
        try:
            self._server.window_log_message(params)
        except Exception:  # the client went away: the record is lost, the server carries on
            pass
        finally:
            self._sending.active = False


def configure_server_logging(server: Any, level: str) -> ClientLogHandler:
    """stderr for errors only; everything from `level` up (csound-lsp's own INFO lines included, at
    WARNING for other libraries) to the client with its level."""
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if level == "DEBUG" else logging.INFO)
    stderr = logging.StreamHandler()
    stderr.setLevel(logging.ERROR)
    stderr.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    client = ClientLogHandler(server, getattr(logging, level, logging.INFO))
    client.addFilter(_OwnInfoOthersWarning(getattr(logging, level, logging.INFO)))
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.addHandler(stderr)
    root.addHandler(client)
    return client


class _OwnInfoOthersWarning(logging.Filter):
    def __init__(self, level: int) -> None:
        super().__init__()
        self._level = level

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("csound_lsp"):
            return record.levelno >= self._level
        return record.levelno >= max(self._level, logging.WARNING)
