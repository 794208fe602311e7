"""`csound-lsp check PATH...`: the editor's diagnostics, printed for terminals, scripts and CI."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Iterator
from typing import Any

from csound_lsp.analysis.diagnostics import static_findings
from csound_lsp.analysis.findings import Finding, Severity
from csound_lsp.analysis.syntax_errors import syntax_errors
from csound_lsp.catalog.versions import set_engine
from csound_lsp.csound.discovery import engine_from_env
from csound_lsp.csound.worker import CsoundChecker
from csound_lsp.features.csound_checks import findings_from
from csound_lsp.features.diagnostics import merge_findings
from csound_lsp.syntax.document import Document, Encoding
from csound_lsp.syntax.languages import is_csound_path
from csound_lsp.syntax.store import ReadError, path_to_uri, read_source

_SEVERITY_WORDS = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFORMATION: "info",
    Severity.HINT: "hint",
}


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("check", help="report diagnostics for Csound files or folders")
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files, or folders to walk for Csound files")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.add_argument("--syntax-only", action="store_true", help="only syntax errors from the parse tree")
    parser.add_argument(
        "--no-csound", action="store_true", help="skip the real Csound compile (static analysis only)"
    )
    parser.add_argument(
        "--engine",
        default=None,
        metavar="ENGINE",
        help="which Csound compiles: auto (a system Csound, else cycsound's bundled 7), 6, 7 or a path",
    )
    parser.set_defaults(run=run)


def iter_csound_files(paths: list[str]) -> Iterator[tuple[str, str | None, bool]]:
    """Yields (path, problem, named): folders are walked for Csound files, in a stable order; `named`
    tells a file given on the command line from one found in a folder."""
    for raw in paths:
        if os.path.isdir(raw):
            for root, dirs, files in os.walk(raw):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if is_csound_path(name):
                        yield os.path.join(root, name), None, False
        elif os.path.exists(raw):
            yield raw, None, True
        else:
            yield raw, f"{raw}: no such file or directory", True


def findings_for(path: str, text: str, syntax_only: bool) -> tuple[Document, list[Finding]]:
    document = Document(path_to_uri(path), text, encoding=Encoding.UTF32)
    if syntax_only:
        return document, syntax_errors(document.tree, document.source)
    return document, static_findings(document)


async def with_csound(checked: list[tuple[str, Document, list[Finding]]], engine: str | None = None) -> None:
    """Adds the real Csound's verdict to each file's findings, through one worker for all files."""
    checker = CsoundChecker(engine=engine)
    told: set[str] = set()
    try:
        for index, (path, document, findings) in enumerate(checked):
            result = await checker.check(document.uri, 0, document.text, path)
            if result.notice and result.notice not in told:
                told.add(result.notice)
                print(f"csound-lsp: {result.notice}", file=sys.stderr)
            merged = merge_findings(findings, findings_from(document, result))
            checked[index] = (path, document, merged)
    finally:
        await checker.close()


def _record(path: str, document: Document, finding: Finding) -> dict[str, Any]:
    span = document.index.span(finding.start_byte, finding.end_byte)
    return {
        "path": finding.path or path,
        "line": span.start.line + 1,
        "column": span.start.character + 1,
        "end_line": span.end.line + 1,
        "end_column": span.end.character + 1,
        "severity": _SEVERITY_WORDS[finding.severity],
        "code": finding.code,
        "source": finding.source,
        "message": finding.message,
    }


def run(args: argparse.Namespace) -> int:
    # The static checks measure the code against the Csound that compiles it (Csound 7's syntax, or the
    # Csound 6 habits Csound 7 rejects): the same engine choice as the compile below.
    set_engine(getattr(args, "engine", None) or engine_from_env())
    records: list[dict[str, Any]] = []
    checked: list[tuple[str, Document, list[Finding]]] = []
    unreadable = False
    for path, problem, named in iter_csound_files(args.paths):
        if problem is not None:
            print(f"csound-lsp: {problem}", file=sys.stderr)
            unreadable = True
            continue
        try:
            decoded = read_source(path)
        except ReadError as exc:
            print(f"csound-lsp: {exc}", file=sys.stderr)
            unreadable = True
            continue
        for note in decoded.notes(path):
            print(f"csound-lsp: {note}", file=sys.stderr)
        if decoded.is_binary:
            # A binary file asked for by name is bad input; one met in a folder (a resource fork, a
            # sound file with a Csound suffix) is skipped with the note above, like Csound would.
            unreadable = unreadable or named
            continue
        document, findings = findings_for(path, decoded.text, args.syntax_only)
        checked.append((path, document, findings))
    if checked and not (args.syntax_only or args.no_csound):
        asyncio.run(with_csound(checked, getattr(args, "engine", None)))
    for path, document, findings in checked:
        records.extend(_record(path, document, f) for f in findings)
    if args.format == "json":
        json.dump(records, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        for r in records:
            print(f"{r['path']}:{r['line']}:{r['column']}: {r['severity']}: {r['message']} [{r['code']}]")
    if unreadable:
        return 2
    return 1 if any(r["severity"] == "error" for r in records) else 0
