"""Reliability of the whole server over stdio: random edits and bytes, hostile Csound input, a corrupt
retrieval index, a dying AI backend, a vanishing client. Each test runs the real server
(`tests/lsp_process.py`), reads its stderr (no traceback may appear) and asserts every request
gets an answer: a result or a proper JSON-RPC error, never silence. Slow tests are marked `slow`.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fake_ollama import FakeOllama
from tests.lsp_process import (
    ROOT,
    Answer,
    Json,
    LspProcess,
    alive,
    children_of,
    editor_capabilities,
    insert_at,
    position,
    rss_kib,
    workers_of,
)

T = TypeVar("T")
#: The background examples index is off unless a test is about it: it costs CPU and memory that
#: other tests would misread.
STATIC_ONLY: Json = {"diagnostics": {"csound": False}, "index_on_start": False}
CSD = (ROOT / "corpus" / "examples" / "generative-ambient-sketch.csd").read_text(encoding="utf-8")
_LINE_END = re.compile(r"\r\n|\r|\n")


def assert_answered(answer: Answer) -> None:
    """A result, or an error object with an integer code and a message (JSON-RPC)."""
    error = answer.error
    if error is not None:
        assert isinstance(error.get("code"), int) and isinstance(error.get("message"), str), answer.message
    else:
        assert "result" in answer.message, answer.message


def assert_no_tracebacks(client: LspProcess) -> None:
    """Nothing escaped a handler: no traceback on stderr, no "Error in server" message (pygls's own)."""
    text = client.stderr_text()
    assert "Traceback" not in text, text[-4000:]
    escaped = [m for m in client.messages if "Error in server" in str((m.get("params") or {}).get("message"))]
    assert not escaped, escaped[:3]


@contextlib.asynccontextmanager
async def server(
    options: Json | None = None, env: dict[str, str] | None = None, capabilities: Json | None = None
) -> AsyncIterator[LspProcess]:
    client = await LspProcess.start(env=env)
    try:
        answer = await client.initialize(
            options=options or STATIC_ONLY, capabilities=capabilities, timeout=60
        )
        assert answer.error is None
        yield client
    finally:
        await client.kill()


# -- random edits and bytes ------------------------------------------------------------------------


class Mirror:
    """The client's copy of a document, edited with LSP (line, UTF-16 character) ranges."""

    def __init__(self, text: str) -> None:
        self.text = text

    def lines(self) -> list[tuple[int, int]]:
        """(start, end) string indices of each line, without its terminator."""
        spans: list[tuple[int, int]] = []
        start = 0
        for match in _LINE_END.finditer(self.text):
            spans.append((start, match.start()))
            start = match.end()
        spans.append((start, len(self.text)))
        return spans

    def index(self, line: int, character: int) -> int:
        start, end = self.lines()[line]
        units = 0
        for offset, char in enumerate(self.text[start:end]):
            if units >= character:
                return start + offset
            units += 2 if ord(char) > 0xFFFF else 1
        return end

    def units(self, line: int) -> int:
        start, end = self.lines()[line]
        return sum(2 if ord(c) > 0xFFFF else 1 for c in self.text[start:end])

    def replace(self, start: tuple[int, int], end: tuple[int, int], new: str) -> Json:
        first, last = self.index(*start), self.index(*end)
        self.text = self.text[:first] + new + self.text[last:]
        return {"range": {"start": position(*start), "end": position(*end)}, "text": new}


#: Text that is mostly Csound-ish, sometimes any Unicode, sometimes arbitrary bytes (lone surrogates
#: after decoding, as a broken client could send), and sometimes long.
CSOUND_WORDS = st.sampled_from(
    ["instr 1\n", "endin\n", "opcode X, a, k\n", "endop\n", "aSig oscili 0.5, 440\n", "if k1 > 0 then\n",
     "endif\n", '#include "', "#define M #", "$M", "<CsScore>", "</CsInstruments>", "{ 4 CNT\n", "}\n",
     "\"", ";", "/*", "*/", "(", ")", ",", " ", "\t", "\n", "\r\n", "\r", "\\\n", "é", "𝄞", "\x00"]
)  # fmt: skip
EDIT_TEXT = st.one_of(
    st.lists(CSOUND_WORDS, max_size=8).map("".join),
    st.text(max_size=40),
    st.binary(max_size=40).map(lambda b: b.decode("utf-8", "surrogateescape")),
    # long expressions; past ~450 terms the model builder's recursion fails (see the 100,000-term test)
    st.integers(1, 8).map(lambda n: "aX = 1 + " * (n * 50) + "1\n"),
)


@st.composite
def edit_scripts(draw: st.DrawFn) -> list[tuple[float, float, float, float, str, str]]:
    """Edits as fractions of the document (resolved against its current text) and a request kind."""
    fraction = st.floats(0, 1)
    request = st.sampled_from(
        ["hover", "completion", "documentSymbol", "semanticTokens", "signature", "action"]
    )
    return draw(
        st.lists(
            st.tuples(fraction, fraction, fraction, fraction, EDIT_TEXT, request), min_size=1, max_size=12
        )
    )


class ServerThread:
    """One server for many hypothesis examples: its client lives on an event loop in a thread."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.client: LspProcess = self.run(self._start())
        self.version = 1

    async def _start(self) -> LspProcess:
        client = await LspProcess.start()
        await client.initialize(options=STATIC_ONLY, timeout=60)
        return client

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float = 120) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.run(self.client.shutdown(), 30)
        self.run(self.client.kill(), 30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


@pytest.fixture(scope="module")
def shared_server() -> Iterator[ServerThread]:
    running = ServerThread()
    yield running
    running.close()


def _request(kind: str, uri: str, line: int, character: int) -> tuple[str, Json]:
    doc = {"uri": uri}
    here = {"textDocument": doc, "position": position(line, character)}
    if kind == "hover":
        return "textDocument/hover", here
    if kind == "completion":
        return "textDocument/completion", {**here, "context": {"triggerKind": 1}}
    if kind == "signature":
        return "textDocument/signatureHelp", here
    if kind == "semanticTokens":
        return "textDocument/semanticTokens/full", {"textDocument": doc}
    if kind == "action":
        cursor = {"start": position(line, character), "end": position(line, character)}
        return "textDocument/codeAction", {
            "textDocument": doc,
            "range": cursor,
            "context": {"diagnostics": []},
        }
    return "textDocument/documentSymbol", {"textDocument": doc}


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(script=edit_scripts(), start=st.sampled_from([CSD, "", "instr 1\nendin\n"]))
def test_random_edits_and_bytes_leave_every_request_answered(
    shared_server: ServerThread, script: list[tuple[float, float, float, float, str, str]], start: str
) -> None:
    server_ = shared_server
    server_.version += 1
    uri = f"file:///tmp/reliability/random-{server_.version}.csd"
    mirror = Mirror(start)

    async def scenario() -> None:
        client = server_.client
        client.open(uri, mirror.text)
        version = 1
        pending: list[Awaitable[Answer]] = []
        for line_a, char_a, line_b, char_b, text, kind in script:
            count = len(mirror.lines())
            first = (int(line_a * (count - 1)), 0)
            first = (first[0], int(char_a * mirror.units(first[0])))
            last = (int(line_b * (count - 1)), 0)
            last = (last[0], int(char_b * mirror.units(last[0])))
            first, last = min(first, last), max(first, last)
            version += 1
            client.change(uri, version, [mirror.replace(first, last, text)])
            method, params = _request(kind, uri, first[0], first[1] + len(text))
            pending.append(client.send(method, params))
            # out-of-range positions must be answered too (LSP clamps)
            pending.append(
                client.send(
                    "textDocument/hover", {"textDocument": {"uri": uri}, "position": position(10**6, 7)}
                )
            )
        await client.drain()
        for answer in await asyncio.wait_for(asyncio.gather(*pending), 60):
            assert_answered(answer)
        published = await client.wait_for_diagnostics(uri, version, timeout=60)
        assert all(isinstance(d.get("message"), str) for d in published.diagnostics)
        client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})

    server_.run(scenario())
    assert server_.client.proc.returncode is None
    assert_no_tracebacks(server_.client)


# -- memory ---------------------------------------------------------------------------------------


def _type_and_undo(line: int, count: int) -> list[Json]:
    """`count` edits that leave the text as it was: characters typed at the start of `line`, then removed."""
    word = "kTmp"
    changes: list[Json] = []
    while len(changes) < count:
        for index, char in enumerate(word):
            changes.append(insert_at(line, index, char))
        end = {"start": position(line, 0), "end": position(line, len(word))}
        changes.append({"range": end, "text": ""})
    return changes[: count - count % (len(word) + 1)] or changes


@pytest.mark.slow
async def test_memory_stays_flat_over_10000_edits() -> None:
    uri = "file:///tmp/reliability/memory.csd"
    line = CSD.splitlines().index("<CsInstruments>") + 6
    async with server() as client:
        client.open(uri, CSD)
        await client.wait_for_diagnostics(uri, 1)
        version = 1

        async def edits(messages: int) -> int:
            nonlocal version
            done = 0
            for message in range(messages):
                changes = _type_and_undo(line, 5)
                version += 1
                client.change(uri, version, changes)
                done += len(changes)
                if message % 25 == 0:
                    answers = [
                        client.send(
                            "textDocument/hover",
                            {"textDocument": {"uri": uri}, "position": position(line, 3)},
                        ),
                        client.send("textDocument/semanticTokens/full", {"textDocument": {"uri": uri}}),
                        client.send("textDocument/documentSymbol", {"textDocument": {"uri": uri}}),
                    ]
                    await client.drain()
                    for answer in await asyncio.gather(*answers):
                        assert_answered(answer)
                await client.drain()
            await client.wait_for_diagnostics(uri, version, timeout=120)
            return done

        await edits(400)  # warm-up: caches, the catalog, allocator arenas
        before = rss_kib(client.pid)
        total = 0
        while total < 10_000:
            total += await edits(200)
        after = rss_kib(client.pid)
        client.published.clear()
        await client.shutdown()
    assert_no_tracebacks(client)
    growth_mib = (after - before) / 1024
    assert growth_mib < 15, f"RSS grew {growth_mib:.1f} MiB over {total} edits ({before} -> {after} KiB)"


# -- Csound on hostile input ----------------------------------------------------------------------

HOSTILE = {
    "unterminated-options.csd": "<CsoundSynthesizer>\n<CsOptions>\n-d -m0\n<CsInstruments>\ninstr 1\nendin\n",
    "score-loop.csd": (
        "<CsoundSynthesizer>\n<CsInstruments>\ninstr 1\nendin\n</CsInstruments>\n<CsScore>\n"
        "{ 1000000000 CNT\ni 1 [$CNT] 0.1\n}\n</CsScore>\n</CsoundSynthesizer>\n"
    ),
    "include-dev-zero.orc": '#include "/dev/zero"\ninstr 1\nendin\n',
    "macro-bomb.orc": "#define A0 #x#\n"
    + "".join(f"#define A{n} #$A{n - 1}.$A{n - 1}.$A{n - 1}.$A{n - 1}.$A{n - 1}.#\n" for n in range(1, 14))
    + "instr 1\n  i1 = $A13.\nendin\n",
}
LONG_LINE = "instr 1\n  i1 = " + " + ".join(["1"] * 100_000) + "\nendin\n"

NORMAL = "instr 1\n  aSig oscili 0.5, 440\n  outs aSig, aSig\nendin\n"


@pytest.mark.slow
@pytest.mark.timeout(180)
async def test_csound_worker_under_crashing_and_hanging_input() -> None:
    options = {
        "diagnostics": {"csound": True, "csound_timeout_s": 3.0, "csound_debounce_ms": 50},
        "index_on_start": False,
    }
    async with server(options) as client:
        opened: list[str] = []
        for name, text in HOSTILE.items():
            uri = f"file:///tmp/reliability/{name}"
            client.open(uri, text)
            opened.append(uri)
        # While Csound chews on them, every request is answered.
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            for uri in opened:
                doc = {"textDocument": {"uri": uri}}
                assert_answered(await client.request("textDocument/documentSymbol", doc, timeout=30))
                hover = {**doc, "position": position(1, 3)}
                assert_answered(await client.request("textDocument/hover", hover, timeout=30))
            await asyncio.sleep(0.2)
        # Each hostile document gets Csound's verdict (a second publish for version 1), or a timeout notice.
        for uri in opened:
            await _csound_verdict(client, uri)
        uri = "file:///tmp/reliability/normal.orc"
        client.open(uri, NORMAL)
        await _csound_verdict(client, uri)  # checks resume for a normal document
        await client.shutdown()
    assert_no_tracebacks(client)


@pytest.mark.slow
@pytest.mark.timeout(120)
async def test_100000_term_line_gets_diagnostics_and_a_csound_check() -> None:
    options = {"diagnostics": {"csound": True, "csound_timeout_s": 3.0}, "index_on_start": False}
    async with server(options) as client:
        uri = "file:///tmp/reliability/long-line.orc"
        client.open(uri, LONG_LINE)
        await client.wait_for_diagnostics(uri, 1, timeout=30)
        await _csound_verdict(client, uri, timeout=60)
        await client.shutdown()
    assert_no_tracebacks(client)


async def _csound_verdict(client: LspProcess, uri: str, timeout: float = 90) -> None:
    """Csound's verdict on version 1 was published: a second publish of it, or (when the check ended
    while the static analysis still ran, which then publishes both at once) one that carries a
    finding of Csound's."""
    deadline = time.monotonic() + timeout
    while True:
        published = [p for p in client.published if p.uri == uri and p.version == 1]
        if len(published) >= 2 or any(d.get("source") == "csound" for p in published for d in p.diagnostics):
            return
        assert time.monotonic() < deadline, f"no Csound verdict for {uri}"
        await asyncio.sleep(0.1)


# -- retrieval index and AI backend ---------------------------------------------------------------

INLINE_DOC = "instr 1\n  ; a quiet sine\n  aSig oscili \n  outs aSig, aSig\nendin\n"
INLINE_AT = position(2, 14)


def _inline_capabilities() -> Json:
    capabilities = editor_capabilities()
    capabilities["textDocument"]["inlineCompletion"] = {}
    return capabilities


async def _inline(client: LspProcess, uri: str) -> Answer:
    params = {"textDocument": {"uri": uri}, "position": INLINE_AT, "context": {"triggerKind": 1}}
    return await client.request("textDocument/inlineCompletion", params, timeout=30)


def _damage_index(folder: Path) -> list[Path]:
    """A stored index with garbage in every file (the manifest included)."""
    from csound_lsp.retrieval import RetrievalEngine, Sources

    corpus = folder / "examples"
    corpus.mkdir()
    (corpus / "sine.csd").write_text(
        "<CsoundSynthesizer>\n<CsInstruments>\n" + NORMAL + "</CsInstruments>\n</CsoundSynthesizer>\n"
    )
    engine = RetrievalEngine(
        Sources(corpus=False, folders=(str(corpus),), include_manual=False),
        cache_dir=folder / "cache" / "retrieval",
    )
    engine.build()
    files = sorted(p for p in (folder / "cache" / "retrieval").iterdir() if p.is_file())
    assert files
    for path in files:
        path.write_bytes(b"\x00\xffgarbage" * 100)
    return files


@pytest.mark.timeout(120)
async def test_corrupt_retrieval_index_is_survived(tmp_path: Path) -> None:
    _damage_index(tmp_path)
    uri = "file:///tmp/reliability/inline.orc"
    with FakeOllama(tokens=("0.5, 440",)) as fake:
        env = {"CSOUND_LSP_AI_HOST": fake.url, "CSOUND_LSP_CACHE_DIR": str(tmp_path / "cache"),
               "CSOUND_LSP_LOG_DIR": str(tmp_path / "logs"), "CSOUND_LSP_INDEX_ON_START": "1"}  # fmt: skip
        options = {"diagnostics": {"csound": False}}  # the examples index is rebuilt in the background
        async with server(options, env=env, capabilities=_inline_capabilities()) as client:
            client.open(uri, INLINE_DOC)
            await client.wait_for_diagnostics(uri, 1)
            for _ in range(2):
                answer = await _inline(client, uri)
                assert answer.error is None, answer.message
            assert fake.requests_to("/api/generate"), "the completion went ahead without examples"
            hover = {"textDocument": {"uri": uri}, "position": position(2, 9)}
            assert (await client.request("textDocument/hover", hover)).result is not None
            assert_no_tracebacks(client)


@pytest.mark.timeout(120)
async def test_corrupt_retrieval_index_is_reported_to_the_user(tmp_path: Path) -> None:
    _damage_index(tmp_path)
    uri = "file:///tmp/reliability/inline.orc"
    with FakeOllama(tokens=("0.5, 440",)) as fake:
        env = {"CSOUND_LSP_AI_HOST": fake.url, "CSOUND_LSP_CACHE_DIR": str(tmp_path / "cache"),
               "CSOUND_LSP_LOG_DIR": str(tmp_path / "logs"), "CSOUND_LSP_INDEX_ON_START": "1"}  # fmt: skip
        options = {"diagnostics": {"csound": False}}
        async with server(options, env=env, capabilities=_inline_capabilities()) as client:
            client.open(uri, INLINE_DOC)
            await client.wait_for_diagnostics(uri, 1)
            await _inline(client, uri)
            # the start-up refresh reports it, and it begins a couple of seconds after start
            deadline = asyncio.get_running_loop().time() + 30
            while True:
                shown = ("window/showMessage", "window/logMessage")
                told = [m for m in client.messages if m.get("method") in shown]
                if any("damaged" in str(m.get("params")) for m in told):
                    break
                assert asyncio.get_running_loop().time() < deadline, told
                await asyncio.sleep(0.2)


@pytest.mark.timeout(120)
async def test_ai_backend_dying_mid_stream_while_typing(tmp_path: Path) -> None:
    uri = "file:///tmp/reliability/inline.orc"
    tokens = ("0.5", ",", " 440", "\n", "  ; more", "\n")
    with FakeOllama(tokens=tokens, token_delay=0.05) as fake:
        env = {"CSOUND_LSP_AI_HOST": fake.url, "CSOUND_LSP_LOG_DIR": str(tmp_path / "logs")}
        async with server(env=env, capabilities=_inline_capabilities()) as client:
            client.open(uri, INLINE_DOC)
            await client.wait_for_diagnostics(uri, 1)
            for round_ in range(3):
                fake.add_fault("drop", path="/api/generate", after=2)
                params = {"textDocument": {"uri": uri}, "position": INLINE_AT, "context": {"triggerKind": 2}}
                pending = client.send("textDocument/inlineCompletion", params)
                await client.drain()
                await asyncio.sleep(0.05)  # the stream has started; the user keeps typing meanwhile
                client.change(uri, 2 + round_, [insert_at(4, 5, "\n")])
                answer = await asyncio.wait_for(pending, 30)
                assert_answered(answer)
            hover = {"textDocument": {"uri": uri}, "position": position(2, 9)}
            assert (await client.request("textDocument/hover", hover)).result is not None
            assert (await _inline(client, uri)).error is None
            await client.shutdown()
    assert_no_tracebacks(client)


# -- the client goes away -------------------------------------------------------------------------


async def _server_with_busy_worker() -> tuple[LspProcess, list[int]]:
    """A server whose Csound worker is running (compiling a score loop that would run for hours)."""
    options = {"diagnostics": {"csound": True, "csound_timeout_s": 60.0}, "index_on_start": False}
    client = await LspProcess.start()
    await client.initialize(options=options, timeout=60)
    client.open("file:///tmp/reliability/score-loop.csd", HOSTILE["score-loop.csd"])
    await client.drain()
    deadline = time.monotonic() + 60
    while not (workers := workers_of(client.pid)):
        assert time.monotonic() < deadline, "the Csound worker never started"
        await asyncio.sleep(0.1)
    await asyncio.sleep(1.0)  # let it pick up the compile
    return client, workers


async def _gone(pids: list[int], timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while any(alive(pid) for pid in pids):
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.1)
    return True


@pytest.mark.slow
@pytest.mark.timeout(120)
async def test_client_disconnect_leaves_no_worker() -> None:
    client, workers = await _server_with_busy_worker()
    try:
        assert client.proc.stdin is not None
        client.proc.stdin.close()  # the editor crashed: its end of both pipes is gone
        if client.proc.stdout is not None:
            client.proc.stdout.feed_eof()
        assert await _gone([client.pid]), "the server kept running after its client vanished"
        assert await _gone(workers), f"orphan Csound worker(s): {workers}"
    finally:
        await client.kill()


@pytest.mark.slow
@pytest.mark.timeout(120)
async def test_exit_without_shutdown_leaves_no_worker() -> None:
    client, workers = await _server_with_busy_worker()
    try:
        client.notify("exit")
        await client.drain()
        await client.wait(30)  # (LSP asks for exit code 1 here; pygls 2.1 exits with 0)
        assert await _gone(workers), f"orphan Csound worker(s): {workers}"
        assert not [pid for pid in children_of(client.pid) if alive(pid)]
    finally:
        await client.kill()
