"""`csound-lsp index [--full]`: builds or updates the retrieval index of Csound examples."""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

from csound_lsp.retrieval import BackendEmbedder, Embedder, Progress, RetrievalEngine, Sources
from csound_lsp.retrieval.static import default_embedder


def add_source_arguments(parser: argparse.ArgumentParser) -> None:
    """Options shared by `index` and `search`: where the index lives and what it covers."""
    parser.add_argument(
        "--cache-dir", help="index folder (default: the user cache, or $CSOUND_LSP_CACHE_DIR)"
    )
    parser.add_argument("--folder", action="append", default=[], metavar="DIR", help="also index DIR")
    parser.add_argument("--workspace", action="append", default=[], metavar="DIR", help="index a workspace")
    parser.add_argument("--no-corpus", action="store_true", help="leave out the bundled example corpus")
    parser.add_argument("--no-manual", action="store_true", help="leave out the Csound manual's examples")
    parser.add_argument("--manual", metavar="DIR", help="where the manual's examples are")
    parser.add_argument(
        "--no-embed",
        action="store_true",
        help="keyword search only; do not ask the AI backend for embeddings",
    )


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("index", help="build or update the index of Csound examples for search")
    parser.add_argument("--full", action="store_true", help="rebuild everything instead of updating")
    add_source_arguments(parser)
    parser.set_defaults(run=run)


def sources_from(args: argparse.Namespace) -> Sources:
    return Sources(
        corpus=not args.no_corpus,
        folders=tuple(args.folder),
        workspace=tuple(args.workspace),
        manual=args.manual,
        include_manual=not args.no_manual,
    )


def embedder_from(args: argparse.Namespace) -> Embedder | None:
    """The configured AI backend's embedding model (CSOUND_LSP_AI_* variables) if AI is enabled,
    else the built-in static model; the engine falls back to the built-in one if the backend fails."""
    if args.no_embed:
        return None
    try:
        from csound_lsp.ai.service import create_backend
        from csound_lsp.settings import parse_ai_settings
    except ImportError:
        return default_embedder()
    settings, problems = parse_ai_settings(None)
    for problem in problems:
        print(f"csound-lsp: {problem}", file=sys.stderr)
    if not settings.enabled:
        return default_embedder()
    return BackendEmbedder.for_backend(create_backend(settings), settings.models.embedding)


def engine_from(args: argparse.Namespace) -> RetrievalEngine:
    return RetrievalEngine(sources_from(args), embedder=embedder_from(args), cache_dir=args.cache_dir)


class ProgressPrinter:
    """A one-line bar on a terminal; plain lines (one per phase) in logs and pipes."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.phase = ""

    def __call__(self, step: Progress) -> None:
        if self.tty:
            fraction = step.done / step.total if step.total else 1.0
            filled = int(fraction * 30)
            bar = "#" * filled + "-" * (30 - filled)
            self.stream.write(f"\r[{bar}] {fraction:4.0%} {step.phase} {step.done}/{step.total}\x1b[K")
            if step.phase == "save" and step.done == step.total:
                self.stream.write("\n")
            self.stream.flush()
        elif step.phase != self.phase:
            self.stream.write(f"csound-lsp: {step.phase} ({step.total})\n")
        self.phase = step.phase


def run(args: argparse.Namespace) -> int:
    engine = engine_from(args)
    report = engine.build(full=args.full, progress=ProgressPrinter(sys.stderr))
    for notice in report.notices:
        print(f"csound-lsp: {notice}", file=sys.stderr)
    for skipped in report.skipped:
        print(f"csound-lsp: skipped {skipped}", file=sys.stderr)
    print(
        f"indexed {report.files} files ({report.changed} changed, {report.reused} unchanged, "
        f"{report.removed} removed) into {report.chunks} chunks; {report.embedded} embedded; "
        f"mode {report.mode}; {report.size_bytes / 1e6:.1f} MB in {engine.folder}; {report.seconds:.1f} s"
    )
    return 0
