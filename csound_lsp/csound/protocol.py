"""Length-prefixed JSON frames between the language server and the Csound worker (4-byte big-endian size).

Shared by both ends so the framing is written once; the worker reads and writes with blocking file
descriptors, the server through asyncio streams.
"""

from __future__ import annotations

import asyncio
import json
import os
import struct
from typing import Any

__all__ = ["MAX_FRAME", "encode", "read_frame_async", "read_frame_fd", "write_frame_fd"]

#: Refuse frames above this size (a document of 64 MiB is not something to compile on each keystroke).
MAX_FRAME = 64 * 1024 * 1024
_HEADER = struct.Struct(">I")


class FrameError(RuntimeError):
    """The other end sent something that is not a frame, or closed the pipe mid-frame."""


def encode(message: dict[str, Any]) -> bytes:
    payload = json.dumps(message, ensure_ascii=False).encode("utf-8")
    if len(payload) > MAX_FRAME:
        raise FrameError(f"frame of {len(payload)} bytes is over the limit")
    return _HEADER.pack(len(payload)) + payload


def _decode(payload: bytes) -> dict[str, Any]:
    message = json.loads(payload.decode("utf-8"))
    if not isinstance(message, dict):
        raise FrameError("frame is not a JSON object")
    return message


def _read_exact_fd(fd: int, size: int) -> bytes | None:
    parts: list[bytes] = []
    remaining = size
    while remaining:
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            if remaining == size:
                return None
            raise FrameError("pipe closed mid-frame")
        parts.append(chunk)
        remaining -= len(chunk)
    return b"".join(parts)


def read_frame_fd(fd: int) -> dict[str, Any] | None:
    """The next frame from a blocking fd, or None at a clean end of file."""
    header = _read_exact_fd(fd, _HEADER.size)
    if header is None:
        return None
    (size,) = _HEADER.unpack(header)
    if size > MAX_FRAME:
        raise FrameError(f"frame of {size} bytes is over the limit")
    payload = _read_exact_fd(fd, size) if size else b""
    if payload is None:
        raise FrameError("pipe closed mid-frame")
    return _decode(payload)


def write_frame_fd(fd: int, message: dict[str, Any]) -> None:
    data = memoryview(encode(message))
    while data:
        written = os.write(fd, data)
        data = data[written:]


async def read_frame_async(reader: asyncio.StreamReader) -> dict[str, Any]:
    """The next frame; `asyncio.IncompleteReadError` when the worker went away."""
    header = await reader.readexactly(_HEADER.size)
    (size,) = _HEADER.unpack(header)
    if size > MAX_FRAME:
        raise FrameError(f"frame of {size} bytes is over the limit")
    return _decode(await reader.readexactly(size))
