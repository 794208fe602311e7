"""Record what the installed Csound says about each file in tests/fixtures/csound6/ (for messages tests).

Usage: python scripts/record_csound_messages.py [FIXTURE_DIR]

For every ``*.csd``, ``*.orc`` and ``*.sco`` in the folder, the file is sanitised and compiled (compile
only) exactly as the worker does, from inside the folder, and Csound's message chunks (attribute and
text, unjoined) are written next to it as ``NAME.messages.json``. Run it in a child process per file so a
crash in Csound cannot leave a half-written set.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIR = ROOT / "tests" / "fixtures" / "csound6"
KINDS = {".csd": "csd", ".orc": "orc", ".sco": "sco"}


def record_one(path: Path) -> dict[str, object]:
    from csound_lsp.csound.engine import CompileOptions, load_engine
    from csound_lsp.csound.sanitize import sanitize

    kind = KINDS[path.suffix]
    engine = load_engine()
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
    if len(argv) == 3 and argv[1] == "--one":
        # Csound prints to the C-level stdout: keep our own copy of fd 1 for the JSON, send fd 1 to 2.
        json_out = os.fdopen(os.dup(1), "w")
        os.dup2(2, 1)
        json_out.write(json.dumps(record_one(Path(argv[2]))) + "\n")
        json_out.flush()
        return 0
    folder = Path(argv[1]) if len(argv) > 1 else DEFAULT_DIR
    for path in sorted(folder.iterdir()):
        if path.suffix not in KINDS:
            continue
        proc = subprocess.run(
            [sys.executable, __file__, "--one", str(path.resolve())],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=ROOT,
        )
        if proc.returncode != 0:
            print(f"{path.name}: failed ({proc.returncode}) {proc.stderr[-500:]}", file=sys.stderr)
            continue
        record = json.loads(proc.stdout)
        out = path.with_name(path.name + ".messages.json")
        out.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n")
        print(f"{path.name}: rc={record['return_code']} chunks={len(record['chunks'])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
