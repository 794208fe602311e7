"""Csound's own messages, anchored on the right range of the document with the tree's help.

Csound names a line (sometimes one early or one late, sometimes none); Csound 7 often adds
columns. This module moves each message to where the problem is: Csound 7's columns when the
token it names is there, else the token on the line or its neighbour, the instrument or include
it is about when Csound gives no line, and whole lines otherwise. Messages about included files
are returned apart, keyed by the file's path.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from csound_lsp.analysis.findings import Finding, Severity
from csound_lsp.catalog import options
from csound_lsp.csound.messages import LineQuality, RawDiagnostic
from csound_lsp.csound.sanitize import Neutralised
from csound_lsp.syntax.document import Document
from csound_lsp.syntax.focus import full_model

SOURCE = "csound"

_NEUTRALISED_WORDS = {
    "score-bin": "the score's bin= program was not run (csound-lsp never runs external programs on a check)",
    "embedded-file": "embedded file not written during the check",
    "option": "option left out of the check (it would open a device, load code or write a file)",
    "unterminated-options": "<CsOptions> has no end tag; Csound crashes on this",
    "url-include": "#include of a URL was not fetched",
    "device-include": "#include of a device file was skipped",
    "system-command": "system command not run during the check",
}


@dataclass
class AnchoredFindings:
    here: list[Finding] = field(default_factory=list)
    #: Findings for included files, by the path Csound named (relative paths as Csound wrote them).
    elsewhere: dict[str, list[tuple[int, RawDiagnostic]]] = field(default_factory=dict)


def anchor(document: Document, raws: list[RawDiagnostic] | tuple[RawDiagnostic, ...]) -> AnchoredFindings:
    result = AnchoredFindings()
    for raw in raws:
        if raw.file is not None:
            result.elsewhere.setdefault(raw.file, []).append((raw.line or 0, raw))
            continue
        start, end = _range(document, raw)
        severity = Severity.ERROR if raw.severity == 1 else Severity.WARNING
        if raw.kind == "unknown-csd-tag":
            # Text and tags outside the CSD sections are skipped by Csound: a hint, on the tag itself.
            severity = Severity.HINT
            start, end = _tag_range(document, raw.token or "", (start, end))
        result.here.append(
            Finding(
                start,
                end,
                severity,
                raw.kind,
                raw.message,
                source=SOURCE,
                data={"csound_line": raw.line, "line_quality": raw.line_quality.value},
            )
        )
    return result


def neutralised_findings(document: Document, changes: tuple[Neutralised, ...]) -> list[Finding]:
    """Tells the user, as information, what the check left out and why (never silently)."""
    findings = []
    for change in changes:
        if change.line >= document.index.line_count or _quiet(change):
            continue
        start = document.index.line_starts[change.line] + change.column
        end = _line_end(document, change.line)
        words = _NEUTRALISED_WORDS.get(change.kind, "left out of the check")
        severity = Severity.ERROR if change.kind == "unterminated-options" else Severity.INFORMATION
        findings.append(
            Finding(start, max(start, end), severity, f"neutralised-{change.kind}", words, source=SOURCE)
        )
    return findings


#: What real-time performance options do; leaving them out of a check is routine (`-odac` is how most
#: pieces are written), so it is not worth a word. Options that load code, run programs, read or write
#: files or reach the network are still reported.
_ROUTINE_SAFETY = frozenset({"opens-devices", "system-priority", "keeps-running"})


def _quiet(change: Neutralised) -> bool:
    """Options the check left out only to keep Csound's messages parseable (message levels...) or
    because they are for performing (audio and MIDI devices, real-time scheduling)."""
    if change.kind != "option":
        return False
    words = change.detail.split()
    found, value = options.match_option(words[0] if words else "")
    if value is None and len(words) > 1:  # `-o out.wav`: the value is the next word
        value = words[1]
    if found is None:
        return False
    if found.safe:
        return True
    safety = set(found.safety)
    if "writes-files" in safety or "reads-files" in safety:
        if "opens-devices" not in safety or options.output_target_kind(value) == "file":
            return False
        safety -= {"writes-files", "reads-files"}
    return safety <= _ROUTINE_SAFETY


def _line_end(document: Document, line: int) -> int:
    return document.index.line_starts[line] + len(document.index.line_bytes(line))


def _line_range(document: Document, line: int) -> tuple[int, int]:
    start = document.index.line_starts[line]
    raw = document.index.line_bytes(line)
    indent = len(raw) - len(raw.lstrip())
    return start + indent, start + len(raw.rstrip())


def _token_on(document: Document, line: int, token: str) -> tuple[int, int] | None:
    if not 0 <= line < document.index.line_count or not token:
        return None
    raw = document.index.line_bytes(line)
    needle = token.encode("utf-8", errors="replace")
    at = raw.find(needle)
    if at == -1:
        return None
    start = document.index.line_starts[line] + at
    return start, start + len(needle)


def _columns(document: Document, raw: RawDiagnostic) -> tuple[int, int] | None:
    """Csound 7's column span, trusted only where the token it names starts (or for a token-less error)."""
    if raw.column is None or raw.end_column is None or raw.line is None:
        return None
    line = document.index.line_bytes(raw.line)
    start = document.index.line_starts[raw.line]
    if raw.token:
        needle = raw.token.encode("utf-8", errors="replace")
        if not line[raw.column :].startswith(needle):
            return None  # e.g. an error inside an #include'd file, which 7 does not name
        return start + raw.column, start + raw.column + len(needle)
    text_end = len(line.rstrip())
    if raw.column >= text_end:  # an unexpected end of line: mark the last character before it
        return (start + text_end - 1, start + text_end) if text_end else None
    return start + raw.column, start + min(raw.end_column, text_end)


def _range(document: Document, raw: RawDiagnostic) -> tuple[int, int]:
    count = document.index.line_count
    if raw.line is None or not 0 <= raw.line < count:
        return _derived(document, raw)
    candidates = [raw.line]
    if raw.line_quality is LineQuality.MAYBE_EARLY:
        candidates = [raw.line + 1, raw.line]
    elif raw.line_quality is LineQuality.MAYBE_LATE:
        candidates = [raw.line - 1, raw.line]
    columns = _columns(document, raw)
    if columns is not None:
        return columns
    if raw.token:
        for line in candidates:
            found = _token_on(document, line, raw.token)
            if found is not None:
                return found
    line = min(max(candidates[-1], 0), count - 1)
    return _line_range(document, line)


def _tag_range(document: Document, tag: str, fallback: tuple[int, int]) -> tuple[int, int]:
    """Where an unknown tag stands (Csound names the line after the section it reads past)."""
    found = document.source.find(tag.encode("utf-8", "replace")) if tag else -1
    return (found, found + len(tag.encode("utf-8", "replace"))) if found != -1 else fallback


def _derived(document: Document, raw: RawDiagnostic) -> tuple[int, int]:
    """A place for messages Csound gives without a line, from what the tree knows."""
    model = full_model(document)
    token = raw.token or ""
    if raw.kind in ("instr-redefined", "duplicate-instrument") or raw.message.startswith("instr "):
        seen: set[str] = set()
        for instrument in model.instruments:
            for name in instrument.names:
                if name.text in seen:
                    return name.ref.start_byte, name.ref.end_byte
                seen.add(name.text)
    if token:
        for udo in model.udos.values():
            if udo.name == token:
                return udo.ref.start_byte, udo.ref.end_byte
        for include in model.includes:
            if include.target == token or include.target.endswith(token):
                return include.ref.start_byte, include.ref.end_byte
        for macro in model.macros.values():
            if macro.name == token:
                return macro.ref.start_byte, macro.ref.end_byte
    for section in model.sections:
        if section.tag in ("CsInstruments", "CsOrchestra") and raw.kind != "score":
            return _line_range(document, document.index.position(section.start_byte).line)
        if section.tag == "CsScore" and raw.kind == "score":
            return _line_range(document, document.index.position(section.start_byte).line)
    return _line_range(document, 0) if document.index.line_count else (0, 0)
