"""Lazy, thread-safe loading of the JSON files in ``csound_lsp/data``.

Each file is read once, on first use; a missing or corrupt file raises ``DataFileError`` with the
path in the message (a packaging bug, never the user's fault).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Generic, TypeVar

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

T = TypeVar("T")


class DataFileError(RuntimeError):
    """A bundled data file is missing or malformed."""


def read_json(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError) as exc:
        raise DataFileError(f"cannot read bundled data file {path}: {exc}") from exc


class Lazy(Generic[T]):
    """A value built from a data file the first time ``get()`` is called."""

    def __init__(self, build: Callable[[], T]) -> None:
        self._build = build
        self._value: T | None = None
        self._lock = threading.Lock()

    def get(self) -> T:
        if self._value is None:
            with self._lock:
                if self._value is None:
                    self._value = self._build()
        return self._value
