#!/usr/bin/env python3
"""Parse speed of the Csound grammars.

Usage: python3 bench/parse_speed.py [--examples DIR] [--runs N] [--against GRAMMAR_DIR]

1. Full-parse throughput (MB/s, median of runs) over every .csd example of the
   Csound manual, parsed with the `csound` language.
2. Two ~5,000-line orchestras built from the examples (instruments and UDOs
   only; whole sections with their global statements): full
   parse time, and incremental reparse time after a one-character edit (a digit
   changed in the middle of the file), median of runs. Goal: under 1 ms.

With --against (another checkout's `grammars/tree-sitter-csound`, e.g. from `git archive`), both
grammars parse the same texts in one process, round by round in alternation, and each measure (CPU
time of the parsing thread) is printed for both with the ratio: separate wall-clock runs on a shared
machine differ by more than a grammar change.
"""

from __future__ import annotations

import argparse
import gzip
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import tree_sitter

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _grammar_lib import load_languages

EXAMPLES = Path("/usr/share/doc/csound-doc/html/examples")
TARGET_LINES = 5000


def read_examples(examples: Path) -> list[bytes]:
    texts = []
    for path in sorted(examples.iterdir()):
        if path.name.endswith(".csd"):
            texts.append(path.read_bytes())
        elif path.name.endswith(".csd.gz"):
            texts.append(gzip.decompress(path.read_bytes()))
    return texts


def build_orchestra(csd_parser: tree_sitter.Parser, texts: list[bytes], blocks_only: bool) -> bytes:
    """Concatenate the examples' orchestra code up to about TARGET_LINES lines.

    With blocks_only, keep only instrument and UDO definitions (the shape of a
    real large orchestra); otherwise whole sections, header lines included,
    which gives many more top-level statements.
    """
    lines: list[bytes] = []
    for text in texts:
        tree = csd_parser.parse(text)
        stack = [tree.root_node]
        while stack:
            node = stack.pop()
            if node.type == "instruments_section":
                body = [c for c in node.named_children if c.type not in ("start_tag", "end_tag")]
                if blocks_only:
                    body = [c for c in body if c.type in ("instrument_definition", "udo_definition")]
                if body and not node.has_error:
                    for child in body if blocks_only else [body[0]]:
                        end = child.end_byte if blocks_only else body[-1].end_byte
                        lines += text[child.start_byte : end].splitlines()
                    lines.append(b"")
                break
            stack.extend(node.named_children)
        if len(lines) >= TARGET_LINES:
            break
    return b"\n".join(lines) + b"\n"


def median_time(action, runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def find_edit_offset(source: bytes) -> int:
    """Byte offset of a digit near the middle of the file."""
    middle = len(source) // 2
    for offset in range(middle, len(source)):
        if chr(source[offset]).isdigit():
            return offset
    raise SystemExit("no digit to edit")


def point_at(source: bytes, offset: int) -> tuple[int, int]:
    row = source.count(b"\n", 0, offset)
    column = offset - (source.rfind(b"\n", 0, offset) + 1)
    return row, column


def measure_orchestra(orc_parser: tree_sitter.Parser, orchestra: bytes, label: str, runs: int) -> None:
    line_count = orchestra.count(b"\n")
    orc_full = median_time(lambda: orc_parser.parse(orchestra), runs)
    tree = orc_parser.parse(orchestra)
    top_level = tree.root_node.named_child_count
    errors = " (tree has errors)" if tree.root_node.has_error else ""
    print(
        f"orchestra ({label}): {line_count} lines, {top_level} top-level nodes, "
        f"{len(orchestra) / 1e3:.0f} kB; "
        f"full parse {orc_full * 1e3:.2f} ms ({len(orchestra) / 1e6 / orc_full:.1f} MB/s){errors}"
    )

    offset = find_edit_offset(orchestra)
    position = point_at(orchestra, offset)
    samples = []
    current_source, current_tree = orchestra, tree
    for _ in range(runs):
        digit = b"7" if current_source[offset : offset + 1] != b"7" else b"3"
        new_source = current_source[:offset] + digit + current_source[offset + 1 :]
        current_tree.edit(
            start_byte=offset,
            old_end_byte=offset + 1,
            new_end_byte=offset + 1,
            start_point=position,
            old_end_point=(position[0], position[1] + 1),
            new_end_point=(position[0], position[1] + 1),
        )
        start = time.perf_counter()
        new_tree = orc_parser.parse(new_source, current_tree)
        samples.append(time.perf_counter() - start)
        current_source, current_tree = new_source, new_tree
    print(
        f"  incremental reparse after a one-character edit at line {position[0] + 1}: "
        f"{statistics.median(samples) * 1e3:.3f} ms, median of {runs} (goal < 1 ms)"
    )


def compare(against: Path, examples: Path, runs: int) -> int:
    """The measures above for this grammar and `against`, alternating round by round."""
    grammars = {"this": load_languages(), "other": load_languages(against.resolve())}
    texts = read_examples(examples)
    csd = {k: tree_sitter.Parser(v["csd"]) for k, v in grammars.items()}
    orc = {k: tree_sitter.Parser(v["orc"]) for k, v in grammars.items()}
    orchestras = [build_orchestra(csd["this"], texts, blocks) for blocks in (True, False)]
    samples: dict[tuple[str, str], list[float]] = {}

    def timed(key: tuple[str, str], action: Callable[..., object], *args: object) -> None:
        # CPU time of this thread: other work on a shared machine inflates wall time, not this.
        start = time.thread_time()
        action(*args)
        samples.setdefault(key, []).append(time.thread_time() - start)

    def parse_all(parser: tree_sitter.Parser) -> None:
        for text in texts:
            parser.parse(text)

    for _ in range(runs):
        for name in ("other", "this"):
            timed(("all .csd, full parse", name), parse_all, csd[name])
            for label, orchestra in zip(("413-node", "1,749-node"), orchestras, strict=True):
                tree = orc[name].parse(orchestra)
                timed((f"{label} orchestra, full parse", name), orc[name].parse, orchestra)
                offset = find_edit_offset(orchestra)
                row, column = point_at(orchestra, offset)
                digit = b"7" if orchestra[offset : offset + 1] != b"7" else b"3"
                edited = orchestra[:offset] + digit + orchestra[offset + 1 :]
                tree.edit(offset, offset + 1, offset + 1, (row, column), (row, column + 1), (row, column + 1))
                timed((f"{label} orchestra, reparse after an edit", name), orc[name].parse, edited, tree)
    print(f"CPU time, medians of {runs} alternating rounds; 'other' is {against}")
    for measure in dict.fromkeys(m for m, _ in samples):
        other = statistics.median(samples[(measure, "other")]) * 1e3
        this = statistics.median(samples[(measure, "this")]) * 1e3
        print(f"{measure}: other {other:.2f} ms, this {this:.2f} ms, this / other {this / other:.2f}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=Path, default=EXAMPLES)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--against", type=Path, help="another grammars/tree-sitter-csound to compare with")
    args = parser.parse_args(argv)
    if args.against is not None:
        return compare(args.against, args.examples, args.runs)

    languages = load_languages()
    csd_parser = tree_sitter.Parser(languages["csd"])
    orc_parser = tree_sitter.Parser(languages["orc"])
    texts = read_examples(args.examples)
    total_bytes = sum(len(t) for t in texts)

    def parse_all() -> None:
        for text in texts:
            csd_parser.parse(text)

    parse_all()  # warm up
    full = median_time(parse_all, max(3, args.runs // 4))
    print(
        f"machine: {platform.processor() or platform.machine()}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, py-tree-sitter {getattr(tree_sitter, '__version__', '?')}"
    )
    print(
        f"full parse: {len(texts)} .csd files, {total_bytes / 1e6:.2f} MB in {full * 1e3:.1f} ms "
        f"-> {total_bytes / 1e6 / full:.1f} MB/s (median of {max(3, args.runs // 4)})"
    )

    for blocks_only in (True, False):
        label = "instruments and UDOs only" if blocks_only else "whole sections, globals included"
        orchestra = build_orchestra(csd_parser, texts, blocks_only)
        measure_orchestra(orc_parser, orchestra, label, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
