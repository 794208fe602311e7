"""Profiles the server's hot paths in-process on the 5,000-line orchestra (cProfile, no server).

    python bench/profile_paths.py [--keys 200] [--top 15] [--path keystroke|completion|actions|tokens]

keystroke: what `did_change` does per typed key (apply the incremental edit, static diagnostics,
convert them to LSP diagnostics). completion: the completion request at the cursor after each key
(opcode position, the heaviest list). actions: the code-action request at the cursor (VS Code asks
on every cursor move). tokens: semantic tokens of the whole document after each line typed.
Prints the median per call and the top functions by cumulative and by own time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _orchestra import orchestra  # noqa: E402
from lsprotocol import types  # noqa: E402

from csound_lsp.features import completion, semantic_tokens  # noqa: E402
from csound_lsp.features.actions import code_actions  # noqa: E402
from csound_lsp.features.diagnostics import DiagnosticsManager  # noqa: E402
from csound_lsp.settings import Settings  # noqa: E402
from csound_lsp.syntax.document import Position, Span  # noqa: E402
from csound_lsp.syntax.store import DocumentStore  # noqa: E402

TYPED = "  kLfo lfo 0.5, 3\n  aNoise rand 0.1\n  aMix = aNoise * kLfo\n  aLow butterlp aMix, 1200\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--keys", type=int, default=200)
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument(
        "--path", choices=["keystroke", "completion", "actions", "tokens"], default="keystroke"
    )
    args = parser.parse_args()

    text = orchestra(5000)
    store = DocumentStore()
    document = store.open("file:///tmp/profile.orc", text, 1, "csound")
    settings = Settings()
    manager = DiagnosticsManager()
    manager.update_static(document, settings.diagnostics)
    lines = text.splitlines()
    row = next(n for n in range(len(lines) // 2, len(lines)) if lines[n].startswith("instr ")) + 1
    column = 0
    typed = (TYPED * (args.keys // len(TYPED) + 1))[: args.keys]

    def keystroke(key: str, version: int) -> None:
        nonlocal document
        document = document.edited([(Span(Position(row, column), Position(row, column)), key)], version)
        manager.update_static(document, settings.diagnostics)
        manager.lsp_diagnostics(document)

    def complete() -> None:
        completion.completion(document, Position(row, column), snippets=True, settings=settings, trigger=None)

    def actions() -> None:
        here = types.Position(line=row, character=column)
        params = types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=document.uri),
            range=types.Range(start=here, end=here),
            context=types.CodeActionContext(diagnostics=[]),
        )
        code_actions(document, params, settings)

    def tokens() -> None:
        semantic_tokens.full(document)

    measured: Callable[[], None] = {"completion": complete, "actions": actions, "tokens": tokens}.get(
        args.path, lambda: None
    )
    profile = cProfile.Profile()
    times: list[float] = []
    for version, key in enumerate(typed, start=2):
        if args.path == "keystroke":
            started = time.perf_counter()
            profile.enable()
            keystroke(key, version)
            profile.disable()
            times.append(time.perf_counter() - started)
        else:
            keystroke(key, version)
            if args.path != "tokens" or key == "\n":
                started = time.perf_counter()
                profile.enable()
                measured()
                profile.disable()
                times.append(time.perf_counter() - started)
        if key == "\n":
            row, column = row + 1, 0
        else:
            column += 1
    print(f"{args.path}: {len(times)} calls, median {statistics.median(times) * 1000:.2f} ms (with profiler)")
    for order in ("cumulative", "tottime"):
        stream = io.StringIO()
        pstats.Stats(profile, stream=stream).strip_dirs().sort_stats(order).print_stats(args.top)
        print(stream.getvalue().split("\n", 4)[-1] if order == "cumulative" else stream.getvalue())


if __name__ == "__main__":
    main()
