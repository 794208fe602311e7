"""The differential check end to end: the real server over stdio, edited with incremental didChange,
compared with a fresh open of the same text; plus the protocol edges LSP defines (lone-CR line ends,
a malformed position answered with InvalidParams, `exit`'s status with and without `shutdown`)."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from csound_lsp.syntax.lines import LineIndex
from tests.differential import Edit, _boundary, csound_files, random_edits, read
from tests.lsp_process import LspProcess
from tests.test_differential_edits import BROKEN_ORC, LF

STATIC_ONLY = {"diagnostics": {"csound": False}}
INVALID_PARAMS = -32602


@asynccontextmanager
async def server(root: Path) -> AsyncIterator[LspProcess]:
    client = await LspProcess.start()
    try:
        await client.initialize(root=root, options=STATIC_ONLY, timeout=60)
        yield client
    finally:
        await client.kill()


def _position(text: str, index: int) -> dict[str, int]:
    source = text.encode("utf-8", errors="surrogatepass")
    found = LineIndex(source).position(len(text[:index].encode("utf-8", errors="surrogatepass")))
    return {"line": found.line, "character": found.character}


def _change(text: str, edit: Edit) -> dict[str, Any]:
    return {
        "range": {"start": _position(text, edit.start), "end": _position(text, edit.end)},
        "text": edit.text,
    }


async def _answers(client: LspProcess, uri: str, at: dict[str, int]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    document = {"textDocument": {"uri": uri}}
    for method in (
        "textDocument/documentSymbol",
        "textDocument/foldingRange",
        "textDocument/semanticTokens/full",
    ):
        answer = await client.request(method, document)
        assert answer.error is None, answer.message
        result = answer.result
        found[method] = result["data"] if method.endswith("/full") else result
    highlight = await client.request("textDocument/documentHighlight", {**document, "position": at})
    found["highlight"] = highlight.result
    return found


async def _fresh(client: LspProcess, name: str, text: str, at: dict[str, int]) -> dict[str, Any]:
    uri = f"file:///fresh/{name}"
    client.open(uri, text)
    answers = await _answers(client, uri, at)
    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    return answers


async def test_typing_z_after_instr_2_and_deleting_it_over_the_protocol(tmp_path: Path) -> None:
    uri = (tmp_path / "broken.orc").as_uri()
    end = BROKEN_ORC.index("instr 2") + len("instr 2")
    at = _position(BROKEN_ORC, end - 1)
    async with server(tmp_path) as client:
        client.open(uri, BROKEN_ORC)
        before = await _answers(client, uri, at)
        assert [s["name"] for s in before["textDocument/documentSymbol"]] == ["header", "instr 1", "instr 2"]
        client.change(uri, 2, [_change(BROKEN_ORC, Edit(end, end, "z", "type z"))])
        typed = BROKEN_ORC[:end] + "z" + BROKEN_ORC[end:]
        assert await _answers(client, uri, at) == await _fresh(client, "typed.orc", typed, at)
        client.change(uri, 3, [_change(typed, Edit(end, end + 1, "", "delete z"))])
        assert await _answers(client, uri, at) == before


async def test_random_edits_over_the_protocol_equal_a_fresh_open(tmp_path: Path) -> None:
    files = [p for p in csound_files() if p.suffix == ".csd" and p.stat().st_size < 6000]
    rng = random.Random("lsp")
    chosen = rng.sample(files, 3)
    donors = [read(p) for p in chosen]
    async with server(tmp_path) as client:
        for number, path in enumerate(chosen):
            uri = (tmp_path / path.name).as_uri()
            text = read(path)
            version = 1
            client.open(uri, text)
            for step in range(8):
                for edit in random_edits(rng, text, donors):
                    start = _boundary(text, edit.start)
                    edit = Edit(start, max(start, _boundary(text, edit.end)), edit.text, edit.what)
                    version += 1
                    client.change(uri, version, [_change(text, edit)])
                    text = text[: edit.start] + edit.text + text[edit.end :]
                at = _position(text, rng.randint(0, len(text)))
                got = await _answers(client, uri, at)
                assert got == await _fresh(client, f"{number}-{step}.csd", text, at), (path.name, step)


async def test_a_lone_cr_file_has_its_lf_twins_outline(tmp_path: Path) -> None:
    at = _position(LF, LF.index("aSig"))
    async with server(tmp_path) as client:
        twin = await _fresh(client, "twin.orc", LF, at)
        mac = await _fresh(client, "mac.orc", LF.replace("\n", "\r"), at)
        assert [s["name"] for s in mac["textDocument/documentSymbol"]] == ["header", "instr 1", "instr 2"]
        assert mac == twin


async def test_a_malformed_position_gets_invalid_params(tmp_path: Path) -> None:
    uri = (tmp_path / "piece.orc").as_uri()
    async with server(tmp_path) as client:
        client.open(uri, LF)
        for position in (
            {"line": -1, "character": 0},
            {"line": 0, "character": -3},
            {"line": "2", "character": 0},
        ):
            answer = await client.request(
                "textDocument/hover", {"textDocument": {"uri": uri}, "position": position}, timeout=20
            )
            assert answer.error is not None and answer.error["code"] == INVALID_PARAMS, answer.message
        answer = await client.request(
            "textDocument/documentSymbol", {"textDocument": {"uri": uri}}, timeout=20
        )
        assert answer.error is None and answer.result


async def test_exit_without_shutdown_exits_1(tmp_path: Path) -> None:
    client = await LspProcess.start()
    try:
        await client.initialize(root=tmp_path, options=STATIC_ONLY, timeout=60)
        client.notify("exit")
        await client.drain()
        assert await client.wait(30) == 1
    finally:
        await client.kill()


async def test_exit_after_shutdown_exits_0(tmp_path: Path) -> None:
    client = await LspProcess.start()
    try:
        await client.initialize(root=tmp_path, options=STATIC_ONLY, timeout=60)
        await client.request("shutdown", None, 30)
        client.notify("exit")
        await client.drain()
        assert await client.wait(30) == 0
    finally:
        await client.kill()
