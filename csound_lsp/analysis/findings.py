"""What analyses report: a problem at a byte range, independent of LSP and of the client's encoding."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class Severity(enum.IntEnum):
    """Same numbering as LSP's DiagnosticSeverity, so conversion is a cast."""

    ERROR = 1
    WARNING = 2
    INFORMATION = 3
    HINT = 4


@dataclass(frozen=True, slots=True)
class Finding:
    """One diagnostic before it meets the protocol: features turn byte offsets into client positions."""

    start_byte: int
    end_byte: int
    severity: Severity
    code: str
    message: str
    source: str = "csound-lsp"
    unnecessary: bool = False
    deprecated: bool = False
    data: dict[str, Any] = field(default_factory=dict)
    #: Another document this finding belongs to (an included file), as a path; None means this one.
    path: str | None = None
