"""Record what a real Csound says about each fixture file (for the messages tests), per engine.

Usage: python scripts/record_csound_messages.py [--engine 6|7|auto|PATH] [--out DIR] [FIXTURE_DIR]

For every ``*.csd``, ``*.orc`` and ``*.sco`` in FIXTURE_DIR (default ``tests/fixtures/csound6``), the file
is sanitised and compiled (compile only) exactly as the worker does, from inside that folder, and
Csound's message chunks (attribute and text, unjoined) are written as ``NAME.messages.json`` into DIR
(default: FIXTURE_DIR for engine 6, ``tests/fixtures/csound7`` for engine 7: the same sources, each
engine's own words). Each file is compiled in a child process, so a crash in Csound cannot leave a
half-written set and no process ever loads two Csounds.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIR = ROOT / "tests" / "fixtures" / "csound6"
OUT_DIRS = {"6": DEFAULT_DIR, "7": ROOT / "tests" / "fixtures" / "csound7"}
KINDS = {".csd": "csd", ".orc": "orc", ".sco": "sco"}


def record_one(path: Path, engine_choice: str) -> dict[str, object]:
    from csound_lsp.csound.engine import CompileOptions, load_engine
    from csound_lsp.csound.sanitize import sanitize

    kind = KINDS[path.suffix]
    engine = load_engine(engine_choice)
    text = sanitize(path.read_text(), kind).text  # type: ignore[arg-type]
    os.chdir(path.parent)
    result = engine.compile(text, CompileOptions(kind=kind, include_dirs=(str(path.parent),)))  # type: ignore[arg-type]
    return {
        "source": path.name,
        "engine": result.engine,
        "return_code": result.return_code,
        "line_offset": result.line_offset,
        "chunks": [[chunk.attr, chunk.text] for chunk in result.messages],
    }


def main(argv: list[str]) -> int:
    if len(argv) == 4 and argv[1] == "--one":
        # Csound prints to the C-level stdout: keep our own copy of fd 1 for the JSON, send fd 1 to 2.
        json_out = os.fdopen(os.dup(1), "w")
        os.dup2(2, 1)
        json_out.write(json.dumps(record_one(Path(argv[2]), argv[3])) + "\n")
        json_out.flush()
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--engine", default="6")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_DIR)
    args = parser.parse_args(argv[1:])
    out_dir: Path = args.out or OUT_DIRS.get(args.engine, args.folder)
    out_dir.mkdir(parents=True, exist_ok=True)
    for path in sorted(args.folder.iterdir()):
        if path.suffix not in KINDS:
            continue
        proc = subprocess.run(
            [sys.executable, __file__, "--one", str(path.resolve()), args.engine],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=ROOT,
        )
        if proc.returncode != 0:
            print(f"{path.name}: failed ({proc.returncode}) {proc.stderr[-500:]}", file=sys.stderr)
            continue
        record = json.loads(proc.stdout)
        out = out_dir / (path.name + ".messages.json")
        out.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n")
        print(f"{path.name}: rc={record['return_code']} chunks={len(record['chunks'])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
