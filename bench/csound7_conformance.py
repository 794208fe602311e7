#!/usr/bin/env python3
"""Csound 7 conformance: Csound 7's own `tests/commandline` CSDs against Csound 7.0's verdict.

Usage: python bench/csound7_conformance.py [--repo GIT_DIR] [--half dev|test|all] [--check]
                                            [--show N] [--list]
       python bench/csound7_conformance.py --public [--half dev|test|all] [--show N]

1. Exports every `.csd` under `tests/commandline` of a csound/csound snapshot (a bare git directory,
   `fetch github:csound/csound` puts one at /work/.mirror/csound+csound/repo; its HEAD is `develop`)
   into `bench/.cache/csound7/` (never committed), with a manifest recording the repository, the commit
   and each file's path, its dev/test half (a hash of the path, as `fetch_public_csound.py` splits) and
   Csound 7.0's verdict.
2. The verdict comes from the Csound 7.0 library cycsound bundles, through the project's own compile
   worker (`csound.engine = 7`): compile only, nothing performed. Verdicts are cached by content hash.
3. Reports, per folder and half: among the files Csound 7 accepts, those that parse with no ERROR or
   MISSING node and get no error-severity static diagnostic with the engine set to 7 (goal: all); among
   the files it rejects, those where we report an error on the line Csound 7 names (goal: all).
   With --check, also what `csound-lsp check --engine 7` says (the static checks plus the real
   Csound 7 through the worker, merged): accepted files with any error from it.

With --public, the other direction: the public CSDs Csound 6.18 accepts (bench/.cache/public, made
by fetch_public_csound.py, whose manifest gives each file's half) compiled by Csound 7.0 too (verdicts
cached in bench/.cache/csound7/public_verdicts.json): those Csound 7 accepts must get no error from us
with the engine set to 7, those it rejects (Csound 6 habits Csound 7 refuses) our error on its line.

Tune on the dev half only; the test half is for measuring.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from csound_lsp.analysis.diagnostics import static_findings  # noqa: E402
from csound_lsp.analysis.findings import Finding, Severity  # noqa: E402
from csound_lsp.csound.messages import LineQuality  # noqa: E402
from csound_lsp.csound.messages import Severity as RawSeverity  # noqa: E402
from csound_lsp.csound.worker import CheckStatus, CsoundChecker  # noqa: E402
from csound_lsp.syntax.document import Document, Encoding  # noqa: E402
from csound_lsp.syntax.store import read_source  # noqa: E402

DEFAULT_REPO = Path("/work/.mirror/csound+csound/repo")
CACHE = ROOT / "bench" / ".cache" / "csound7"
MANIFEST = CACHE / "manifest.json"
SOURCE = "csound/csound"
PREFIX = "tests/commandline/"


def half_of(path: str) -> str:
    """dev or test, from a hash of the path: the split never changes when files are added."""
    return "dev" if hashlib.sha256(f"{SOURCE}:{path}".encode()).digest()[0] % 2 == 0 else "test"


def git(repo: Path, *args: str) -> bytes:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=True).stdout


def export(repo: Path) -> dict[str, object]:
    """Copies the CSDs (and the files beside them) out of the snapshot; returns the manifest."""
    commit = git(repo, "rev-parse", "HEAD").decode().strip()
    names = git(repo, "ls-tree", "-r", "--name-only", "HEAD", PREFIX).decode().splitlines()
    old: dict[str, dict[str, object]] = {}
    engine = None
    if MANIFEST.exists():
        previous_manifest = json.loads(MANIFEST.read_text())
        old = {str(e["path"]): e for e in previous_manifest["files"]}
        engine = previous_manifest.get("engine")
    files = []
    for name in names:
        data = git(repo, "show", f"HEAD:{name}")
        local = CACHE / "files" / name.removeprefix(PREFIX)
        local.parent.mkdir(parents=True, exist_ok=True)
        if not local.exists() or local.read_bytes() != data:
            local.write_bytes(data)
        if not name.endswith(".csd"):
            continue
        digest = hashlib.sha256(data).hexdigest()[:24]
        entry: dict[str, object] = {
            "path": name,
            "local": str(local.relative_to(CACHE)),
            "folder": str(Path(name.removeprefix(PREFIX)).parent),
            "half": half_of(name),
            "sha": digest,
        }
        previous = old.get(name)
        if previous is not None and previous.get("sha") == digest and "verdict" in previous:
            entry["verdict"] = previous["verdict"]
            entry["lines"] = previous.get("lines", [])
            entry["messages"] = previous.get("messages", [])
        files.append(entry)
    manifest: dict[str, object] = {
        "repository": f"https://github.com/{SOURCE}",
        "commit": commit,
        "prefix": PREFIX,
        "files": files,
    }
    if engine is not None:
        manifest["engine"] = engine
    return manifest


async def record_verdicts(manifest: dict[str, object]) -> None:
    """Csound 7.0's verdict on each file not yet judged, through the compile worker (compile only)."""
    checker = CsoundChecker(timeout_s=30, engine="7")
    try:
        for entry in manifest["files"]:  # type: ignore[attr-defined]
            if "verdict" in entry:
                continue
            path = CACHE / entry["local"]
            text = path.read_text(encoding="utf-8", errors="replace")
            result = await checker.check(path.as_uri(), 1, text, path)
            if result.status is not CheckStatus.CHECKED:
                entry["verdict"] = result.status.value
                continue
            if not result.engine.startswith("csound7"):
                raise SystemExit(f"the worker ran {result.engine!r}, not Csound 7: is cycsound installed?")
            entry["verdict"] = "accepted" if result.ok else "rejected"
            lines: set[int] = set()
            messages: list[str] = []
            for raw in result.diagnostics:
                if raw.severity != RawSeverity.ERROR or raw.line is None or raw.file is not None:
                    continue
                line = raw.line  # 0-based already
                lines.add(line)
                if raw.line_quality is LineQuality.MAYBE_EARLY:
                    lines.add(line + 1)
                elif raw.line_quality is LineQuality.MAYBE_LATE:
                    lines.add(line - 1)
                messages.append(f"{raw.line + 1}: {raw.message}")
            entry["lines"] = sorted(lines)
            entry["messages"] = messages[:5]
            manifest["engine"] = result.engine
    finally:
        await checker.close()


def problem_nodes(document: Document, limit: int = 3) -> list[str]:
    found: list[str] = []
    stack = [document.tree.root_node]
    while stack and len(found) < limit:
        node = stack.pop()
        if not node.has_error and not node.is_missing:
            continue
        if node.is_error or node.is_missing:
            what = "ERROR" if node.is_error else f"MISSING {node.type}"
            found.append(f"{what} at {node.start_point[0] + 1}:{node.start_point[1] + 1}")
            continue
        stack.extend(reversed(node.children))
    return found


def report(manifest: dict[str, object], half: str, show: int, listing: bool, check: bool = False) -> int:
    rows: dict[tuple[str, str], Counter[str]] = {}
    shown: list[str] = []
    accepted_docs: list[tuple[str, Document, list[Finding]]] = []
    owner: dict[str, tuple[str, str]] = {}
    for entry in manifest["files"]:  # type: ignore[attr-defined]
        if half != "all" and entry["half"] != half:
            continue
        verdict = entry.get("verdict")
        if verdict not in ("accepted", "rejected"):
            continue
        path = CACHE / entry["local"]
        counts = rows.setdefault((entry["folder"], entry["half"]), Counter())
        text = path.read_text(encoding="utf-8", errors="replace")
        document = Document(path.as_uri(), text, encoding=Encoding.UTF32)
        findings = static_findings(document, engine=7)
        errors = [f for f in findings if f.severity == Severity.ERROR]
        if verdict == "accepted":
            counts["accepted"] += 1
            accepted_docs.append((str(path), document, findings))
            owner[str(path)] = (entry["folder"], entry["half"])
            problems = problem_nodes(document)
            if problems:
                counts["tree_errors"] += 1
            if errors:
                counts["diagnosed"] += 1
            if not problems and not errors:
                counts["clean"] += 1
            elif listing or len(shown) < show:
                first = errors[0] if errors else None
                detail = (
                    f"{document.index.position(first.start_byte).line + 1}: {first.message} [{first.code}]"
                    if first is not None
                    else ""
                )
                shown.append(f"  accepted, flagged: {entry['path']}: {problems} {detail}")
            continue
        counts["rejected"] += 1
        ours = {document.index.position(f.start_byte).line for f in errors}
        named = set(entry.get("lines", []))
        if (ours & named) if named else ours:
            counts["on_line"] += 1
        elif listing or len(shown) < show:
            shown.append(
                f"  rejected, missed: {entry['path']}: Csound 7 {entry.get('messages', [])[:2]}, "
                f"ours on {sorted(n + 1 for n in ours)[:5]}"
            )
    if check and accepted_docs:
        from csound_lsp.cli.check import with_csound

        asyncio.run(with_csound(accepted_docs, "7"))
        for path, document, merged in accepted_docs:
            flagged = [f for f in merged if f.severity == Severity.ERROR]
            if flagged:
                rows[owner[path]]["check_flagged"] += 1
                line = document.index.position(flagged[0].start_byte).line + 1
                shown.append(f"  check error on accepted: {path}:{line}: {flagged[0].message}")
            else:
                rows[owner[path]]["check_clean"] += 1
    print(f"Csound 7 tests/commandline at {str(manifest['commit'])[:12]} ({manifest.get('engine', '?')})")
    print(
        f"{'folder':10s} {'half':4s} {'accepted':>8s} {'clean':>11s} {'rejected':>8s} {'on line':>11s}"
        + (f" {'check clean':>12s}" if check else "")
    )
    total: Counter[str] = Counter()
    for (folder, part), counts in sorted(rows.items()):
        print(_row(folder, part, counts, check))
        total.update(counts)
    for part in ("dev", "test"):
        subtotal: Counter[str] = Counter()
        for (_, p), counts in rows.items():
            if p == part:
                subtotal.update(counts)
        if subtotal:
            print(_row("all", part, subtotal, check))
    print(_row("all", "all", total, check))
    print("goals: every accepted file clean, every rejected file with our error on Csound 7's line")
    for line in shown:
        print(line)
    return 0


def _row(folder: str, part: str, counts: Counter[str], check: bool = False) -> str:
    def share(n: int, d: int) -> str:
        return f"{n:3d} {100.0 * n / d:5.1f}%" if d else "    -      "

    row = (
        f"{folder:10s} {part:4s} {counts['accepted']:8d} {share(counts['clean'], counts['accepted']):>11s} "
        f"{counts['rejected']:8d} {share(counts['on_line'], counts['rejected']):>11s}"
    )
    return row + (f" {share(counts['check_clean'], counts['accepted']):>12s}" if check else "")


PUBLIC = ROOT / "bench" / ".cache" / "public"
PUBLIC_VERDICTS = CACHE / "public_verdicts.json"


async def public_verdicts(entries: list[dict[str, object]]) -> dict[str, dict[str, object]]:
    """Csound 7.0's verdict on each public file, cached by path and content hash."""
    known: dict[str, dict[str, object]] = (
        json.loads(PUBLIC_VERDICTS.read_text()) if PUBLIC_VERDICTS.exists() else {}
    )
    checker = CsoundChecker(timeout_s=30, engine="7")
    try:
        for entry in entries:
            key = f"{entry['local']}:{entry['sha']}"
            if key in known:
                continue
            path = PUBLIC / str(entry["local"])
            result = await checker.check(path.as_uri(), 1, read_source(path).text, path)
            lines = [
                d.line
                for d in result.diagnostics
                if d.severity == RawSeverity.ERROR and d.line is not None and d.file is None
            ]
            known[key] = {"status": result.status.value, "ok": result.ok, "lines": lines[:5]}
            if len(known) % 50 == 0:
                PUBLIC_VERDICTS.write_text(json.dumps(known, indent=1) + "\n")
    finally:
        await checker.close()
    PUBLIC_VERDICTS.write_text(json.dumps(known, indent=1) + "\n")
    return known


def public_report(half: str, show: int) -> int:
    manifest = json.loads((PUBLIC / "manifest.json").read_text())
    entries = [
        e
        for e in manifest["files"]
        if e["kind"] == "csd" and e.get("verdict") == "accepted" and (half == "all" or e["half"] == half)
    ]
    CACHE.mkdir(parents=True, exist_ok=True)
    verdicts = asyncio.run(public_verdicts(entries))
    rows: dict[tuple[str, str], Counter[str]] = {}
    shown: list[str] = []
    for entry in entries:
        verdict = verdicts[f"{entry['local']}:{entry['sha']}"]
        if verdict["status"] != CheckStatus.CHECKED.value:
            continue
        counts = rows.setdefault((str(entry["source"]), str(entry["half"])), Counter())
        path = PUBLIC / str(entry["local"])
        document = Document(path.as_uri(), read_source(path).text, encoding=Encoding.UTF32)
        errors = [f for f in static_findings(document, engine=7) if f.severity == Severity.ERROR]
        ours = {document.index.position(f.start_byte).line for f in errors}
        if verdict["ok"]:
            counts["accepted"] += 1
            counts["clean"] += not errors
            if errors and len(shown) < show:
                shown.append(f"  accepted by 7, flagged: {entry['local']}: {errors[0].message}")
            continue
        counts["rejected"] += 1
        named = set(verdict["lines"])  # type: ignore[arg-type]
        hit = bool(ours & named) if named else bool(ours)
        counts["on_line"] += hit
        if not hit and len(shown) < show:
            shown.append(f"  rejected by 7, missed: {entry['local']}: Csound 7 on {sorted(named)}")
    print("public CSDs Csound 6.18 accepts, compiled by Csound 7.0; our static checks with engine 7")
    print(f"{'source':10s} {'half':4s} {'accepted':>8s} {'clean':>11s} {'rejected':>8s} {'on line':>11s}")
    totals: dict[str, Counter[str]] = {}
    for (source, part), counts in sorted(rows.items()):
        print(_row(source[:10], part, counts))
        totals.setdefault(part, Counter()).update(counts)
    for part, counts in sorted(totals.items()):
        print(_row("all", part, counts))
    for line in shown:
        print(line)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, default=DEFAULT_REPO, help="bare git directory of csound/csound")
    parser.add_argument("--half", choices=("dev", "test", "all"), default="all")
    parser.add_argument("--show", type=int, default=20, help="list this many misses")
    parser.add_argument("--list", action="store_true", help="list every miss")
    parser.add_argument("--check", action="store_true", help="also run csound-lsp check's real compile")
    parser.add_argument("--public", action="store_true", help="public CSDs 6.18 accepts, compiled by 7")
    args = parser.parse_args(argv)
    if args.public:
        return public_report(args.half, args.show)
    if not args.repo.exists():
        print(f"no snapshot at {args.repo}: fetch github:csound/csound first", file=sys.stderr)
        return 2
    manifest = export(args.repo)
    asyncio.run(record_verdicts(manifest))
    MANIFEST.write_text(json.dumps(manifest, indent=1) + "\n")
    return report(manifest, args.half, args.show, args.list, args.check)


if __name__ == "__main__":
    raise SystemExit(main())
