"""The `csound.render` command (workspace/executeCommand): the CLI's render path, from the editor.

Arguments: one object `{"uri": ..., "seconds": N}` (or the URI alone). The open buffer is rendered
when the document is open, otherwise the file on disk; unsafe pieces are refused (never an
`allow_unsafe` from the editor). Returns the report as JSON and shows its one-line summary.
"""

from __future__ import annotations

import asyncio
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

from lsprotocol import types

from csound_lsp.csound.render import UnsafeCsoundError, render
from csound_lsp.csound.render_summary import report_to_json
from csound_lsp.server.feature import Feature

if TYPE_CHECKING:
    from csound_lsp.server.core import CsoundLanguageServer

RENDER_COMMAND = "csound.render"
DEFAULT_SECONDS = 10.0
MAX_SECONDS = 600.0


def _arguments(arguments: tuple[Any, ...]) -> tuple[str, float]:
    first = arguments[0] if arguments else None
    if isinstance(first, str):
        options: dict[str, Any] = {"uri": first}
    elif isinstance(first, dict):
        options = first
    else:
        raise ValueError("csound.render wants {uri, seconds}")
    uri = options.get("uri")
    if not isinstance(uri, str) or not uri:
        raise ValueError("csound.render wants a document uri")
    seconds = options.get("seconds", DEFAULT_SECONDS)
    if not isinstance(seconds, int | float) or isinstance(seconds, bool) or not math.isfinite(seconds):
        raise ValueError(f"seconds must be a number, not {seconds!r}")
    if seconds <= 0:
        raise ValueError("seconds must be positive")
    return uri, min(float(seconds), MAX_SECONDS)


def render_uri(text: str | None, uri: str, seconds: float) -> dict[str, Any]:
    """Blocking: the report for the buffer `text` (or the file behind `uri`) as JSON."""
    parsed = urlparse(uri)
    path = Path(unquote(parsed.path)) if parsed.scheme in ("file", "") else None
    if text is None:
        if path is None or not path.is_file():
            return {"ok": False, "errors": [f"cannot render {uri}: not a file on disk"], "problems": []}
        text = path.read_text(encoding="utf-8", errors="replace")
    try:
        if path is not None and path.parent.is_dir():
            # Render a copy beside the original, so relative #includes and samples resolve.
            report = render(_with_folder(text, path), seconds, None, seconds * 4 + 30)
        else:
            report = render(text, seconds, None, seconds * 4 + 30)
    except UnsafeCsoundError as exc:
        return {"ok": False, "refused": True, "errors": exc.reasons, "problems": exc.reasons}
    except (OSError, ValueError) as exc:
        return {"ok": False, "errors": [str(exc)], "problems": [str(exc)]}
    return report_to_json(report)


def _with_folder(text: str, path: Path) -> str | Path:
    """The saved file itself when the buffer matches it (keeps its folder), else the buffer text."""
    try:
        if path.read_text(encoding="utf-8", errors="replace") == text:
            return path
    except OSError:
        pass
    return text


class RenderFeature(Feature):
    """The `csound.render` command; renders run in a thread, one subprocess each."""

    def register(self) -> None:
        register_render(self.server)


def register_render(server: CsoundLanguageServer) -> None:
    @server.command(RENDER_COMMAND)
    async def csound_render(*arguments: Any) -> dict[str, Any]:
        server_ = server
        try:
            uri, seconds = _arguments(arguments)
        except ValueError as exc:
            return {"ok": False, "errors": [str(exc)], "problems": [str(exc)]}
        document = server_.store.get(uri)
        text = document.text if document is not None else None
        result = await asyncio.to_thread(render_uri, text, uri, seconds)
        if result.get("refused"):
            message = "Render refused: " + "; ".join(result["errors"])
            kind = types.MessageType.Warning
        elif result.get("summary") and not result.get("problems"):
            message = f"Rendered: {result['summary']}"
            kind = types.MessageType.Info
        else:
            found = result.get("problems") or result.get("errors") or ["unknown problem"]
            message = f"Render: {result.get('summary') or found[0]}" + (
                f" ({'; '.join(found)})" if result.get("summary") else ""
            )
            kind = types.MessageType.Warning
        server_.window_show_message(types.ShowMessageParams(type=kind, message=message))
        return result


__all__ = ["RENDER_COMMAND", "RenderFeature", "register_render", "render_uri"]
