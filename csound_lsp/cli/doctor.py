"""`csound-lsp doctor`: what works on this machine, one line each, with a hint for what does not.

OK / INFO / WARN / FAIL per line. FAIL is kept for the essentials (parsing, the opcode catalog, Csound's
library for compile checks); the AI backend, its models, the search index and the render command
are optional, so their problems are WARN, and no AI backend at all (the usual case: AI stays off,
quietly) is INFO. Exit 0 when no line FAILs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, Literal

Status = Literal["OK", "INFO", "WARN", "FAIL"]
_COLOURS = {"OK": "\x1b[32m", "INFO": "\x1b[36m", "WARN": "\x1b[33m", "FAIL": "\x1b[31m"}


@dataclass(frozen=True)
class Line:
    status: Status
    topic: str
    detail: str
    hint: str = ""


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("doctor", help="check Csound, the AI backend, its models and the index")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.add_argument("--no-ai", action="store_true", help="skip the AI backend and model checks")
    parser.add_argument("--engine", default=None, help="the csound.engine to check: auto, 6, 7 or a path")
    parser.set_defaults(run=run)


def _guard(topic: str, check: Callable[[], list[Line]]) -> list[Line]:
    """A check that breaks is a WARN line, never a traceback."""
    try:
        return check()
    except Exception as exc:  # doctor must always finish its report
        return [Line("WARN", topic, f"the check itself failed: {type(exc).__name__}: {exc}")]


def check_parser() -> list[Line]:
    from csound_lsp.syntax.languages import FileKind, new_parser

    tree = new_parser(FileKind.CSD).parse(
        b"<CsoundSynthesizer><CsInstruments>\ninstr 1\nendin\n</CsInstruments></CsoundSynthesizer>\n"
    )
    if tree.root_node.has_error:
        return [
            Line("FAIL", "grammar", "the Csound grammar did not parse a minimal CSD", "reinstall csound-lsp")
        ]
    return [Line("OK", "grammar", "tree-sitter grammar loaded (csd, orc, sco)")]


def check_engine(choice: str | None = None) -> list[Line]:
    """Which Csound the choice picks and why, from file names only (nothing is loaded here)."""
    from csound_lsp.csound.discovery import candidates, engine_from_env

    choice = choice or engine_from_env()
    try:
        found = candidates(choice)
    except ValueError as exc:
        hint = "set csound.engine to auto, 6, 7 or a libcsound path"
        return [Line("FAIL", "Csound engine", str(exc), hint)]
    if not found:
        return [
            Line(
                "FAIL",
                "Csound engine",
                f"no Csound for csound.engine = {choice}",
                "pip install cycsound (Csound 7), or install csound and libcsnd-dev / brew install csound",
            )
        ]
    first, rest = found[0], found[1:]
    why = {"auto": "auto prefers a system Csound", "6": "engine 6", "7": "engine 7"}.get(choice, "a path")
    detail = f"{first.describe()}: {first.why} ({why})"
    if rest:
        detail += "; fallback: " + ", ".join(c.describe() for c in rest)
    return [Line("OK", "Csound engine", detail)]


def check_csound(choice: str | None = None) -> list[Line]:
    from csound_lsp.catalog import default_catalog
    from csound_lsp.catalog.installed import query_installed

    bundled = len(default_catalog())
    lines = [Line("OK", "opcodes (bundled)", f"{bundled} opcodes in the bundled catalog")]
    found = query_installed(timeout=60.0, engine=choice)
    if found.error is not None:
        lines.append(
            Line(
                "FAIL",
                "Csound library",
                found.error,
                "install csound and libcsnd-dev (Debian/Ubuntu), csound (Homebrew), and the ctcsound module",
            )
        )
        return lines
    names = {entry.name for entry in found.entries}
    extra = len(names - set(default_catalog().opcodes))
    lines.append(Line("OK", "Csound library", f"Csound {found.csound_version} found"))
    lines.append(
        Line(
            "OK", "opcodes (installed)", f"{len(names)} opcodes in the installed Csound ({extra} not bundled)"
        )
    )
    return lines


def check_compile(choice: str | None = None) -> list[Line]:
    from csound_lsp.csound.worker import CheckStatus, CsoundChecker

    piece = (
        "<CsoundSynthesizer>\n<CsInstruments>\nsr = 48000\nksmps = 32\nnchnls = 1\n0dbfs = 1\n"
        "instr 1\n  out oscili(0.1, 440)\nendin\n</CsInstruments>\n<CsScore>\ni 1 0 1\n</CsScore>\n"
        "</CsoundSynthesizer>\n"
    )

    async def once() -> Line:
        checker = CsoundChecker(timeout_s=30.0, engine=choice)
        try:
            result = await checker.check("doctor://check.csd", 1, piece)
        finally:
            await checker.close()
        if result.ok:
            info = checker.engine_info
            where = f", {info['origin']} library {info['library']}" if info.get("library") else ""
            return Line(
                "OK",
                "compile checks",
                f"{result.engine} compiles in a worker ({result.elapsed_s:.2f} s{where})",
            )
        if result.status is CheckStatus.UNAVAILABLE:
            return Line(
                "FAIL", "compile checks", result.notice or "Csound is not available", "see 'Csound library'"
            )
        return Line(
            "FAIL",
            "compile checks",
            f"a minimal piece did not compile ({result.status.value})",
            "check the Csound install",
        )

    return [asyncio.run(once())]


def check_render_command(choice: str | None = None) -> list[Line]:
    from csound_lsp.csound.discovery import candidates, engine_from_env

    choice = choice or engine_from_env()
    path = shutil.which("csound")
    if choice != "auto" or (path is None and candidates("auto")):
        detail = f"renders through the Csound library in a child process (engine {choice})"
        return [Line("OK", "render", detail)]
    if path is None:
        return [
            Line(
                "WARN", "render", "the csound command is not on PATH", "install Csound's command-line program"
            )
        ]
    return [Line("OK", "render", f"csound command at {path}")]


async def _ai_lines() -> list[Line]:
    from csound_lsp.ai.errors import AIError
    from csound_lsp.ai.service import AIService
    from csound_lsp.settings import BACKEND_FACTS

    service, problems = AIService.from_config(None)
    lines = [Line("WARN", "AI settings", problem) for problem in problems]
    settings = service.settings
    try:
        if not settings.enabled:
            return [*lines, Line("WARN", "AI backend", "AI features are turned off", "set ai.enabled = true")]
        health = await service.check()
        if not health.ok:
            message = str(health.error) if health.error else "no answer"
            return [*lines, Line("INFO", "AI backend", message, "AI features stay off until it answers")]
        version = f" {health.version}" if health.version else ""
        lines.append(Line("OK", "AI backend", f"{health.backend}{version} at {health.host}"))
        installed = {model.name for model in await service.backend.models()}
        models = settings.models
        for role, name in (
            ("completion", models.completion),
            ("chat", models.chat),
            ("embedding", models.embedding),
        ):
            present = (
                name in installed
                or f"{name}:latest" in installed
                or name.removesuffix(":latest") in installed
            )
            pull = BACKEND_FACTS[settings.backend].model_hint.format(model=name)
            if not present:
                lines.append(Line("WARN", f"model ({role})", f"{name} is not on the server", pull))
                continue
            detail = f"{name} present"
            status: Status = "OK"
            hint = ""
            if role == "completion":
                try:
                    capabilities = await service.backend.capabilities(name)
                except AIError as error:
                    lines.append(Line("WARN", f"model ({role})", f"{name}: {error}"))
                    continue
                if capabilities.insert:
                    detail += "; fill-in-the-middle: native (insert)"
                elif capabilities.fim is not None:
                    detail += "; fill-in-the-middle: raw FIM tokens"
                else:
                    status, hint = (
                        "WARN",
                        "use a base code model with FIM training, e.g. qwen2.5-coder:1.5b-base",
                    )
                    detail += "; no fill-in-the-middle: completions see only the text before the cursor"
            lines.append(Line(status, f"model ({role})", detail, hint))
        return lines
    except AIError as error:
        return [*lines, Line("WARN", "AI backend", str(error))]
    finally:
        await service.aclose()


def check_ai() -> list[Line]:
    return asyncio.run(_ai_lines())


def check_index() -> list[Line]:
    from csound_lsp.retrieval import RetrievalEngine
    from csound_lsp.retrieval.store import size_on_disk

    engine = RetrievalEngine()
    notice = engine.load()
    if not engine.ready:
        return [Line("WARN", "search index", notice or "not built", "run `csound-lsp index`")]
    size = size_on_disk(engine.folder) / 1e6
    detail = f"{engine.chunk_count} chunks, {size:.1f} MB in {engine.folder}"
    if notice:
        return [Line("WARN", "search index", f"{detail}; {notice}", "run `csound-lsp index --full`")]
    return [Line("OK", "search index", detail)]


def check_log() -> list[Line]:
    from csound_lsp.ai import ailog

    path = ailog.log_dir() / ailog.LOG_NAME
    lines = [Line("OK", "AI log", f"{path}" + ("" if path.exists() else " (not written yet)"))]
    stats = ailog.compute_stats()
    if not stats.kinds:
        lines.append(Line("OK", "AI usage", "no AI log yet"))
        return lines
    rate = stats.acceptance_rate
    accepted = (
        f"{rate:.0%} of {stats.shown} inline suggestions accepted"
        if rate is not None
        else "no inline suggestions shown yet"
    )
    lines.append(Line("OK", "acceptance", accepted))
    for kind, kind_stats in sorted(stats.kinds.items()):
        summary = kind_stats.summary()
        if summary["p50_ms"] is None:
            continue
        first = summary["first_token_p50_ms"]
        first_text = f", first token p50 {first:.0f} ms" if first is not None else ""
        lines.append(
            Line(
                "OK",
                f"latency ({kind})",
                f"{summary['requests']} requests, p50 {summary['p50_ms']:.0f} ms, "
                f"p95 {summary['p95_ms']:.0f} ms{first_text}, {summary['errors']} errors",
            )
        )
    return lines


def collect(*, ai: bool = True, engine: str | None = None) -> list[Line]:
    checks: list[tuple[str, Callable[[], list[Line]]]] = [
        ("grammar", check_parser),
        ("Csound engine", lambda: check_engine(engine)),
        ("Csound library", lambda: check_csound(engine)),
        ("compile checks", lambda: check_compile(engine)),
        ("render", lambda: check_render_command(engine)),
    ]
    if ai:
        checks.append(("AI backend", check_ai))
    checks += [("search index", check_index), ("AI log", check_log)]
    lines: list[Line] = []
    for topic, check in checks:
        lines.extend(_guard(topic, check))
    return lines


def run(args: argparse.Namespace) -> int:
    lines = collect(ai=not args.no_ai, engine=getattr(args, "engine", None))
    if args.format == "json":
        json.dump([asdict(line) for line in lines], sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        colour = sys.stdout.isatty()
        width = max(len(line.topic) for line in lines)
        for line in lines:
            status = f"{_COLOURS[line.status]}{line.status:<4}\x1b[0m" if colour else f"{line.status:<4}"
            print(f"{status} {line.topic:<{width}}  {line.detail}")
            if line.hint:
                print(f"     {'':<{width}}  -> {line.hint}")
    return 1 if any(line.status == "FAIL" for line in lines) else 0
