"""End-to-end: the real Csound's verdict reaches the editor through the worker, merged with ours.

Each test runs once per engine, chosen the way a user would, by the ``engine`` setting in the
initialization options: Debian's Csound 6.18 and the Csound 7.0 bundled with cycsound.
"""

from __future__ import annotations

import asyncio
import sys

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.conftest import client_capabilities
from tests.engines import SKIP_6, SKIP_7

CONFIG = ClientServerConfig(
    server_command=[sys.executable, "-m", "csound_lsp", "serve"],
    server_env={"CSOUND_LSP_AI_HOST": "http://127.0.0.1:9"},
)


@pytest_lsp.fixture(config=CONFIG, params=[pytest.param("6", marks=SKIP_6), pytest.param("7", marks=SKIP_7)])
async def csound_client(lsp_client: LanguageClient, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities(),
            initialization_options={
                "engine": request.param,
                "diagnostics": {"csound": True, "csoundDebounceMs": 50},
            },
        )
    )
    lsp_client.csound_engine = request.param  # type: ignore[attr-defined]
    yield lsp_client
    await lsp_client.shutdown_session()


# Csound 6 rejects `i = k` assignments; our static analysis does not check this case, so the
# error on the editor can only come from the real Csound. Csound 7 accepts it, but warns that `outs`
# is deprecated, with the columns of `outs`: a warning only the real Csound 7 gives.
CSOUND_ONLY = """<CsoundSynthesizer>
<CsInstruments>
sr = 44100
ksmps = 32
nchnls = 2
0dbfs = 1
instr 1
  kEnv line 0, p3, 1
  iLevel = kEnv
  aSig = oscili(iLevel, 440)
  outs aSig, aSig
endin
</CsInstruments>
<CsScore>
i 1 0 1
</CsScore>
</CsoundSynthesizer>
"""


async def wait_for_source(
    client: LanguageClient, uri: str, source: str, timeout: float = 40
) -> list[types.Diagnostic]:
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        found = [d for d in client.diagnostics.get(uri, []) if d.source == source]
        if found:
            return found
        await asyncio.sleep(0.2)
    raise AssertionError(f"no {source} diagnostics for {uri}: {client.diagnostics.get(uri)}")


@pytest.mark.timeout(90)
async def test_csound_error_is_published_on_its_line(csound_client: LanguageClient) -> None:
    uri = "file:///tmp/csound-only.csd"
    csound_client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="csound", version=1, text=CSOUND_ONLY)
        )
    )
    found = await wait_for_source(csound_client, uri, "csound")
    lines = CSOUND_ONLY.splitlines()
    if csound_client.csound_engine == "6":  # type: ignore[attr-defined]
        errors = {d.range.start.line for d in found if d.severity == types.DiagnosticSeverity.Error}
        assert lines.index("  iLevel = kEnv") in errors, found
        return
    [warning] = [d for d in found if d.code == "deprecated-opcode"]
    assert warning.severity == types.DiagnosticSeverity.Warning
    outs = lines.index("  outs aSig, aSig")
    assert (warning.range.start.line, warning.range.start.character) == (outs, 2)
    assert (warning.range.end.line, warning.range.end.character) == (outs, 6)


@pytest.mark.timeout(90)
async def test_bin_score_is_not_run_and_user_is_told(csound_client: LanguageClient, tmp_path) -> None:  # type: ignore[no-untyped-def]
    marker = tmp_path / "ran"
    text = (
        "<CsoundSynthesizer>\n<CsInstruments>\ninstr 1\nendin\n</CsInstruments>\n"
        f"<CsScore bin=\"sh -c 'touch {marker}' --\">\ni 1 0 1\n</CsScore>\n</CsoundSynthesizer>\n"
    )
    uri = "file:///tmp/bin-score.csd"
    csound_client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="csound", version=1, text=text)
        )
    )
    found = await wait_for_source(csound_client, uri, "csound")
    assert any(d.code == "neutralised-score-bin" for d in found), found
    assert not marker.exists()
