#!/usr/bin/env python3
"""Export public Csound from local git snapshots into bench/.cache/public and record Csound's verdicts.

Usage: python3 bench/fetch_public_csound.py [--mirror DIR] [--no-csound] [--jobs N]

The snapshots are bare git directories (one per repository, e.g. made with `git clone --mirror`)
under --mirror (default /work/.mirror, laid out as owner+name/repo). Each source below names a
repository and the folders to take; the .csd/.orc/.sco/.udo/.inc files found there are written to
bench/.cache/public/<source>/<path> (git-ignored: public code never enters the repository), and
bench/.cache/public/manifest.json records, for each file, where it came from (repo, commit, path),
its half (dev or test, from a hash of source and path, so the split never changes when files are
added) and Csound 6.18's verdict. A file whose content an earlier source already gave is left out
(forks, branches and copies are measured once). The files an exported file `#include`s are written
beside it, whatever their suffix (listed under "included", not measured), so Csound and we read the
same program:

* orchestra: `csound --syntax-check-only` on the file as sanitised by csound_lsp.csound.sanitize
  (`<CsScore bin=...>` attributes, URL includes, embedded files and device options blanked: Debian's
  6.18 runs the bin= program even when only checking syntax);
* score: `--syntax-check-only` never reads the score, so the score is run alone with `-n` against
  a header-only orchestra and a short time limit; score-reader errors ("score error", "sread: illegal
  opcode", undefined macros...) reject it, "zero substituted"-style messages only warn. A score whose
  CsScore names a bin= program is another program's input: its score verdict is "n/a".

Csound runs in subprocesses with a timeout, at most --jobs (default 2) at a time. Verdicts are
cached by content hash in the manifest, so a rerun only checks new or changed files.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from csound_lsp.csound.sanitize import sanitize  # noqa: E402

CACHE = Path(__file__).resolve().parent / ".cache" / "public"
MANIFEST = CACHE / "manifest.json"
MIRROR = Path("/work/.mirror")
SUFFIXES = (".csd", ".orc", ".sco", ".udo", ".inc")
TIMEOUT_S = 15
SCORE_TIMEOUT_S = 8
# Never used (kept as an independent check): refuse them even if a source list names them.
FORBIDDEN = {
    "csound-flossmanual/csound-floss",
    "csoundqt/csoundqt",
    "renenyffenegger/csound-instruments",
    "gogins/csound-examples",
    "csound/csoundapi_examples",
}


# Copies of the FLOSS manual's examples inside other repositories (named like 03A01_name.csd,
# or in a folder named after it) are left out too: the FLOSS manual is the independent check.
_FLOSS_COPY = re.compile(r"(^|/)\d\d[A-Z]\d\d[a-z]?_|floss[^/]*/", re.I)


@dataclass(frozen=True)
class Source:
    name: str
    repo: str  # owner/name
    folders: tuple[str, ...] = ("",)
    limit: int = 600  # at most this many files, chosen by path hash
    ref: str = "HEAD"  # a branch of the snapshot (its files keep the half their path has on HEAD)


SOURCES = (
    Source("csound", "csound/csound", ("tests/", "examples/"), limit=1100),
    # The Csound 6 branch: only the files whose content differs from develop's (duplicates are dropped).
    Source("csound", "csound/csound", ("tests/", "examples/", "Android/", "Emscripten/"), ref="csound6"),
    Source("cabbage", "rorywalsh/cabbage", ("Examples/",)),
    Source("kunstmusik", "kunstmusik/csound-live-code"),
    Source("kunstmusik", "kunstmusik/music-examples"),
    Source("kunstmusik", "kunstmusik/libsyi"),
    Source("kunstmusik", "kunstmusik/blue"),
    Source("csound-explore", "gosub/csound-explore"),
    Source("csound-book", "SamKomesarook/The-Csound-Book"),
    Source("csound-pieces", "benmca/csound-pieces"),
    # Added to widen the dev material (issue 15, second round): plugin examples, instrument and
    # patch libraries, UDO collections, a textbook's examples, older and newer Cabbage examples.
    Source("plugins", "csound-plugins/csound-plugins"),
    Source("gogins", "gogins/csound-ac"),
    Source("gogins", "gogins/csound-extended"),
    Source("cabbage-more", "rorywalsh/cabbage_v1_old", ("Examples/",)),
    Source("cabbage-more", "rorywalsh/cabbage3"),
    Source("cabbage-more", "rorywalsh/vscabbage"),
    Source("cabbage-more", "rorywalsh/CsoundUnity"),
    Source("cabbage-more", "CsoundUnityBerklee/TrappedInTheGarden"),
    Source("csound-textbook", "csound/book"),
    Source("udo-libraries", "csudo/csudo"),
    Source("udo-libraries", "docEdub/csound-instruments"),
    Source("udo-libraries", "cskonopka/csound"),
    Source("patches", "ncg777/csound_patches"),
    Source("patches", "Leofltt/OnTheFly_CsoundSynthesis"),
    Source("patches", "micah-frank-studio/Csound-Live-Coding"),
    Source("patches", "reezmaize/GialloMusic"),
    Source("patches", "stygian-phrygian/hypatia"),
    # Third round (issue 15): course material, students' and musicians' work in progress (more
    # files Csound rejects), then the reference manual's examples (a sample of develop, Csound 7's
    # manual, whose new syntax 6.18 rejects), a 2019 fork of Csound with its soak and regression
    # tests, and small collections of pieces and tutorials.
    Source("courses", "chernenko-victor/csound_edu"),
    Source("courses", "casanovajose/csound-course"),
    Source("courses", "gsenna/learn-csound-site"),
    Source("courses", "alexhojinpark/csound-lab"),
    Source("courses", "pmatsinopoulos/csound_a_sound_and_music_system"),
    Source("courses", "gergalerg/CSound_practice"),
    Source("courses", "kunstmusik/icsc2022-csound-web"),
    Source("work-in-progress", "bsnacks000/Csound_projects"),
    Source("work-in-progress", "mateolarreaferro/Csound-Experiments"),
    Source("work-in-progress", "mateolarreaferro/Csound-Unity-Experiments"),
    Source("work-in-progress", "zeffii/csound_patches"),
    Source("work-in-progress", "bredfern/csound-compositions"),
    Source("work-in-progress", "ST-Music/csound-examples"),
    Source("work-in-progress", "nkint/csound_composition"),
    Source("work-in-progress", "PvonN/csound-UDOs"),
    Source("work-in-progress", "spell-music/csound-bits"),
    Source("work-in-progress", "flats/csound-utility-instruments"),
    Source("work-in-progress", "edclements/csound-instruments"),
    Source("work-in-progress", "rpezemk/csound-instruments"),
    Source("work-in-progress", "andy-fillebrown/csound-instruments"),
    Source("work-in-progress", "rgilbert82/csound_instruments"),
    Source("work-in-progress", "Leofltt/csound_opcodes"),
    Source("manual", "csound/manual", ("examples/",), limit=300),
    Source("csound-fork", "eddyc/csound", ("tests/", "examples/", "iOS/", "Android/", "Opcodes/")),
    Source("small-collections", "mjladd/devcontainer-csound", ("scores/",)),
    Source("small-collections", "jasonhallen/grammarmusic"),
    Source("small-collections", "jasonhallen/music_framework"),
    Source("small-collections", "khoeger/learnCsound"),
    Source("small-collections", "anton-k/csound-wizard"),
    Source("small-collections", "gesellkammer/csoundengine"),
    Source("small-collections", "csound/csound.github.io", ("learn/",)),
)

HEADER_ORC = "sr = 48000\nksmps = 4800\nnchnls = 2\n0dbfs = 1\n"
# What stops Csound's score reader (the performance does not happen or loses events) versus what
# it only reports and reads past: "unexpected char x" skips the character, "illegal number format
# ... zero substituted" uses 0 (checked with Csound 6.18: both still perform the score).
_SCORE_ERROR = re.compile(
    r"score error|Undefined macro|syntax error|illegal opcode|include.d file|could not find|"
    r"sread: (?!.*(substituted|unexpected char))",
    re.IGNORECASE,
)
_SCORE_WARNING = re.compile(r"sread:|substituted|unexpected char|WARNING.*score", re.IGNORECASE)
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
# Section tags count where Csound's CSD reader sees them, at the start of a line (a tag quoted in a
# comment, "copy the text between <CsOptions> and </CsOptions>", is not one).
_INSTRUMENTS = re.compile(
    r"^[ \t]*(<Cs(?:Instruments|Orchestra)\b[^>]*>)(.*?)^[ \t]*(</Cs(?:Instruments|Orchestra)>)",
    re.S | re.I | re.M,
)
_OPTIONS = re.compile(r"^[ \t]*<CsOptions\b[^>]*>.*?^[ \t]*</CsOptions>", re.S | re.I | re.M)
#: A section tag inside a line: score verdicts made before tags were read at line starts are redone.
_MIDLINE_TAG = re.compile(r"\S[^\n]*</?Cs(?:Instruments|Orchestra|Options)\b", re.I)
SCORE_RULES = 2
_SCORE_BIN = re.compile(r"<CsScore\b[^>]*\bbin\s*=", re.I)


def half_of(source: str, path: str) -> str:
    """dev or test, from the path's hash: deterministic and stable as files come and go."""
    return "dev" if hashlib.sha256(f"{source}:{path}".encode()).digest()[0] % 2 == 0 else "test"


def kind_of(path: str) -> str:
    suffix = Path(path).suffix.lower()
    return {".csd": "csd", ".sco": "sco"}.get(suffix, "orc")


def git(git_dir: Path, *args: str) -> bytes:
    return subprocess.run(["git", f"--git-dir={git_dir}", *args], capture_output=True, check=True).stdout


def blob(git_dir: Path, commit: str, name: str) -> bytes | None:
    """A file's bytes at `commit`, or None where the snapshot left it out (its largest files)."""
    try:
        return git(git_dir, "show", f"{commit}:{name}")
    except subprocess.CalledProcessError:
        return None


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


_INCLUDE = re.compile(rb'^[ \t]*#include[ \t]+["|]([^"|\r\n]+)["|]', re.M)


def export(source: Source, mirror: Path, seen: set[str], support: set[str]) -> list[dict[str, object]]:
    """Write the source's files into the cache; return their manifest entries (no verdicts yet).

    `seen` holds the content hashes already exported by earlier sources: a file met twice (a fork,
    a branch, a copy in another collection) is kept once, where it was met first. Files an exported
    file `#include`s are written too (whatever their suffix or the limit), as Csound reads them
    beside it; their cache paths go into `support`, not into the manifest's benchmarked files.
    """
    if source.repo.lower() in FORBIDDEN:
        raise SystemExit(f"{source.repo} is kept as an independent check and must not be used")
    git_dir = mirror / source.repo.replace("/", "+") / "repo"
    if (git_dir / ".git").is_dir():  # a snapshot with a work tree
        git_dir = git_dir / ".git"
    if not git_dir.exists():
        print(f"skip {source.repo}: no snapshot at {git_dir}", file=sys.stderr)
        return []
    commit = git(git_dir, "rev-parse", source.ref).decode().strip()
    listing = git(git_dir, "ls-tree", "-r", "-z", commit).decode("utf-8", "replace").split("\0")
    # "mode type hash\tpath"; symbolic links (mode 120000) hold a path, not Csound: left out
    rows = [row.split("\t", 1) for row in listing if "\t" in row]
    names = [path for meta, path in rows if not meta.startswith("120000")]
    in_tree = set(names)
    chosen = [
        n
        for n in names
        if n.lower().endswith(SUFFIXES)
        and any(n.startswith(f) for f in source.folders)
        and not _FLOSS_COPY.search(n)
    ]
    chosen.sort(key=lambda n: hashlib.sha256(n.encode()).hexdigest())
    prefix = f"{source.name}/{source.repo.replace('/', '+')}"
    if source.ref != "HEAD":
        prefix += f"@{source.ref}"
    entries: list[dict[str, object]] = []
    for name in chosen:
        if len(entries) >= source.limit:
            break
        data = blob(git_dir, commit, name)
        if data is None:
            continue
        digest = hashlib.sha256(data).hexdigest()[:24]
        if digest in seen or (b"\0" in data[:4096] and not name.lower().endswith(".csd")):
            continue
        seen.add(digest)
        local = f"{prefix}/{name}"
        target = CACHE / local
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        _export_includes(git_dir, commit, prefix, name, data, in_tree, support)
        entries.append(
            {
                "source": source.name,
                "repo": source.repo,
                "commit": commit,
                "path": name,
                "local": local,
                "kind": kind_of(name),
                "half": half_of(source.name, name),
                "sha": digest,
            }
        )
    return entries


def _export_includes(
    git_dir: Path, commit: str, prefix: str, name: str, data: bytes, in_tree: set[str], support: set[str]
) -> None:
    """Writes the files `name` includes (relative to its folder, as Csound looks first), recursively."""
    todo = [(name, data)]
    while todo and len(support) < 5000:
        including, text = todo.pop()
        folder = str(Path(including).parent)
        for match in _INCLUDE.finditer(text):
            target = match.group(1).decode("utf-8", "replace").strip()
            if "://" in target or target.startswith("/"):
                continue
            path = str(Path(folder, target)) if folder != "." else target
            parts: list[str] = []
            for part in Path(path).parts:
                if part == "..":
                    if not parts:
                        break
                    parts.pop()
                elif part != ".":
                    parts.append(part)
            resolved = "/".join(parts)
            local = f"{prefix}/{resolved}"
            if resolved not in in_tree or local in support:
                continue
            support.add(local)
            content = blob(git_dir, commit, resolved)
            if content is None:
                continue
            target_path = CACHE / local
            if not target_path.exists():
                target_path.parent.mkdir(parents=True, exist_ok=True)
                target_path.write_bytes(content)
            todo.append((resolved, content))


def _run(command: list[str], cwd: Path, timeout: float) -> tuple[int | None, str]:
    try:
        proc = subprocess.run(
            command, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return None, ""
    return proc.returncode, _ANSI.sub("", decode(proc.stdout + proc.stderr))


def orchestra_verdict(path: Path, kind: str) -> str:
    """accepted / rejected / timeout for the orchestra (n/a for a score file)."""
    if kind == "sco":
        return "n/a"
    text = sanitize(decode(path.read_bytes()), "csd" if kind == "csd" else "orc").text
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / ("check.csd" if kind == "csd" else "check.orc")
        target.write_text(text, encoding="utf-8", errors="surrogateescape")
        command = ["csound", "--syntax-check-only", "-n", "-d", "-m0"]
        command += [str(target)] if kind == "csd" else ["--orc", str(target)]
        rc, _ = _run(command, path.parent, TIMEOUT_S)
    if rc is None:
        return "timeout"
    return "accepted" if rc == 0 else "rejected"


def score_verdict(path: Path, kind: str) -> tuple[str, list[str]]:
    """accepted / warned / rejected / timeout / n/a for the score, and the score reader's messages."""
    if kind == "orc":
        return "n/a", []
    text = decode(path.read_bytes())
    if kind == "csd":
        if _SCORE_BIN.search(text) or not re.search(r"<CsScore", text, re.I):
            return "n/a", []
        text = _OPTIONS.sub("", sanitize(text, "csd").text)
        text = _INSTRUMENTS.sub(lambda m: m.group(1) + "\n" + HEADER_ORC + m.group(3), text)
    else:
        text = sanitize(text, "sco").text
    with tempfile.TemporaryDirectory() as tmp:
        if kind == "csd":
            target = Path(tmp) / "score.csd"
            target.write_text(text, encoding="utf-8", errors="surrogateescape")
            command = ["csound", "-n", "-d", "-m0", str(target)]
        else:
            orc = Path(tmp) / "header.orc"
            orc.write_text(HEADER_ORC)
            target = Path(tmp) / "score.sco"
            target.write_text(text, encoding="utf-8", errors="surrogateescape")
            command = ["csound", "-n", "-d", "-m0", str(orc), str(target)]
        rc, output = _run(command, path.parent, SCORE_TIMEOUT_S)
    if rc is None:
        return "timeout", []
    return classify_score([line.strip() for line in output.splitlines()])


def classify_score(lines: list[str]) -> tuple[str, list[str]]:
    """The score verdict from the score reader's messages (also re-run on cached messages)."""
    errors = [line for line in lines if _SCORE_ERROR.search(line)]
    warnings = [line for line in lines if _SCORE_WARNING.search(line) and line not in errors]
    if errors:
        return "rejected", errors[:5]
    return ("warned" if warnings else "accepted"), warnings[:5]


def verdict_of(entry: dict[str, object]) -> dict[str, object]:
    path = CACHE / str(entry["local"])
    kind = str(entry["kind"])
    orchestra = orchestra_verdict(path, kind)
    score, messages = score_verdict(path, kind)
    if kind == "orc" and orchestra == "rejected" and Path(str(entry["path"])).suffix.lower() == ".inc":
        score, messages = score_verdict(path, "sco")  # an include may hold score text
    return {"orchestra": orchestra, "score": score, "score_messages": messages, "score_rules": SCORE_RULES}


def overall(entry: dict[str, object]) -> str:
    """Rejected if either check rejects the file, accepted if every check that applies passes."""
    checks = [str(entry.get("orchestra", "unknown")), str(entry.get("score", "unknown"))]
    applicable = [c for c in checks if c != "n/a"]
    if not applicable:
        return "n/a"
    if "rejected" in applicable:
        return "rejected"
    if any(c in ("timeout", "unknown") for c in applicable):
        return "unknown"
    return "accepted"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirror", type=Path, default=MIRROR)
    parser.add_argument("--no-csound", action="store_true", help="export only, keep cached verdicts")
    parser.add_argument("--jobs", type=int, default=2, help="Csound processes at a time (at most 2)")
    args = parser.parse_args(argv)

    old = {}
    if MANIFEST.exists():
        old = {(e["local"], e["sha"]): e for e in json.loads(MANIFEST.read_text())["files"]}
    entries: list[dict[str, object]] = []
    seen: set[str] = set()
    support: set[str] = set()
    for source in SOURCES:
        found = export(source, args.mirror, seen, support)
        label = source.repo if source.ref == "HEAD" else f"{source.repo}@{source.ref}"
        print(f"{source.name} ({label}): {len(found)} files", file=sys.stderr)
        entries.extend(found)
    print(f"{len(support)} included files written beside them", file=sys.stderr)
    _prune({str(e["local"]) for e in entries} | support)
    todo = []
    rescore: list[dict[str, object]] = []
    for entry in entries:
        cached = old.get((entry["local"], entry["sha"]))
        if cached and "orchestra" in cached:
            entry.update({k: cached[k] for k in ("orchestra", "score", "score_messages")})
            entry["score_rules"] = cached.get("score_rules", 1)
            if entry["score"] in ("accepted", "warned", "rejected"):
                entry["score"], entry["score_messages"] = classify_score(list(cached["score_messages"]))
            if entry["score_rules"] != SCORE_RULES and entry["kind"] == "csd" and not args.no_csound:
                text = decode((CACHE / str(entry["local"])).read_bytes())
                if _MIDLINE_TAG.search(text):
                    rescore.append(entry)
                else:
                    entry["score_rules"] = SCORE_RULES
        elif not args.no_csound:
            todo.append(entry)
    for entry in rescore:
        path = CACHE / str(entry["local"])
        entry["score"], entry["score_messages"] = score_verdict(path, "csd")
        entry["score_rules"] = SCORE_RULES
    print(f"{len(rescore)} scores checked again (section tags inside lines)", file=sys.stderr)
    print(f"checking {len(todo)} files with Csound", file=sys.stderr)
    with ThreadPoolExecutor(max_workers=max(1, min(args.jobs, 2))) as pool:
        for done, (entry, result) in enumerate(zip(todo, pool.map(verdict_of, todo), strict=True), 1):
            entry.update(result)
            if done % 100 == 0:
                print(f"  {done}/{len(todo)}", file=sys.stderr)
                _write(entries, support)
    _write(entries, support)
    return 0


def _prune(kept: set[str]) -> None:
    """Removes files an earlier export left that no source gives now (the cache is ours alone)."""
    for path in sorted(CACHE.rglob("*"), reverse=True):
        relative = path.relative_to(CACHE).as_posix()
        if path.is_file() and relative != MANIFEST.name and relative not in kept:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()


def _write(entries: list[dict[str, object]], support: set[str]) -> None:
    for entry in entries:
        if "orchestra" in entry:
            entry["verdict"] = overall(entry)
    CACHE.mkdir(parents=True, exist_ok=True)
    benchmarked = {str(e["local"]) for e in entries}
    included = sorted(support - benchmarked)
    MANIFEST.write_text(json.dumps({"files": entries, "included": included}, indent=1) + "\n")


if __name__ == "__main__":
    sys.exit(main())
