"""Long differential fuzz: random adversarial edits through the server's incremental path, every answer
compared with a fresh open of the same text after every edit (see `tests/differential.py`).

    .venv/bin/python bench/differential_fuzz.py --edits 200 --seed 1 [--files N] [--cache]

Files: every piece of `corpus/` and `tests/fixtures/`, plus with `--cache` the public Csound fetched
into `bench/.cache/` (git-ignored; never committed). Reports edits, files and divergences by feature;
`--keep DIR` writes each divergence's text there to replay.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.differential import FEATURES, Report, csound_files, fuzz_file, read

CACHE = Path(__file__).resolve().parent / ".cache"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--edits", type=int, default=200, help="edits per file")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--files", type=int, default=0, help="at most this many files (0: all)")
    parser.add_argument("--cache", action="store_true", help="add Csound files found under bench/.cache/")
    parser.add_argument("--cache-only", action="store_true", help="only the files under bench/.cache/")
    parser.add_argument("--max-bytes", type=int, default=60_000, help="skip larger files")
    parser.add_argument("--features", default=",".join(FEATURES))
    parser.add_argument("--keep", type=Path, help="write each divergent text into this folder")
    parser.add_argument("--all", action="store_true", help="keep going after a file's first divergence")
    args = parser.parse_args()

    paths = [] if args.cache_only else csound_files()
    if (args.cache or args.cache_only) and CACHE.exists():
        # dot-files are other benchmarks' scratch copies, made and removed while this one lists them
        paths += sorted(
            p
            for p in CACHE.rglob("*")
            if p.suffix.lower() in (".csd", ".orc", ".sco", ".udo") and not p.name.startswith(".")
        )
    texts = []
    for path in paths:
        try:
            if path.stat().st_size <= args.max_bytes:
                texts.append((path, read(path)))
        except OSError:  # gone since it was listed (the cache is shared)
            continue
    rng = random.Random(args.seed)
    rng.shuffle(texts)
    if args.files:
        texts = texts[: args.files]
    donors = [t for _, t in texts]
    features = [f for f in args.features.split(",") if f]
    report = Report()
    began = time.perf_counter()
    diverged_files = 0
    for number, (path, text) in enumerate(texts):
        before = len(report.divergences)
        fuzz_file(
            path,
            text,
            donors,
            random.Random(f"{args.seed}:{path}"),
            args.edits,
            report,
            features=features,
            stop_at_first=not args.all,
        )
        if len(report.divergences) > before:
            diverged_files += 1
            first = report.divergences[before]
            print(f"{path.name}: edit {first.edit_number}: {first.feature}: {first.what[:400]}", flush=True)
            if args.keep is not None:
                args.keep.mkdir(parents=True, exist_ok=True)
                (args.keep / f"{number:03d}-{path.stem}.txt").write_bytes(
                    first.text.encode("utf-8", errors="surrogatepass")
                )
    elapsed = time.perf_counter() - began
    print(
        f"\n{report.edits} edits over {report.files} files in {elapsed:.0f} s: "
        f"{len(report.divergences)} divergences in {diverged_files} files"
    )
    for feature, count in sorted(report.by_feature.items()):
        print(f"  {feature}: {count}")
    if report.raised:
        print(f"{len(report.raised)} answers raised on a fresh open (not drift), first of each kind:")
        seen: set[str] = set()
        for raised in report.raised:
            kind = f"{raised.feature}: {raised.what}"
            if kind not in seen:
                seen.add(kind)
                print(f"  {Path(raised.path).name}: edit {raised.edit_number}: {kind[:300]}")
    return 1 if report.divergences else 0


if __name__ == "__main__":
    raise SystemExit(main())
