"""Starting the real server against a chosen AI backend (the fake Ollama or a real server)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.conftest import ROOT, client_capabilities

ORC_DOC = """\
<CsoundSynthesizer>
<CsOptions>
-d
</CsOptions>
<CsInstruments>
sr = 48000
ksmps = 32
nchnls = 2
0dbfs = 1

instr 1
  ; a quiet sine
  aSig oscili|
  outs aSig, aSig
endin

</CsInstruments>
<CsScore>
i 1 0 1
</CsScore>
</CsoundSynthesizer>
""".replace("|\n", " \n")
#: Line and character just after `aSig oscili ` above.
CURSOR = types.Position(line=12, character=14)


def capabilities(*, inline: bool = True) -> types.ClientCapabilities:
    caps = client_capabilities()
    if inline:
        assert caps.text_document is not None
        caps.text_document.inline_completion = types.InlineCompletionClientCapabilities()
    return caps


@contextlib.asynccontextmanager
async def ai_server(
    env: dict[str, str], log_dir: Path, *, options: dict[str, Any] | None = None, inline: bool = True
) -> AsyncIterator[LanguageClient]:
    """A csound-lsp server whose AI settings come from `env`, initialised and shut down around the block."""
    server_env = {
        key: value for key, value in os.environ.items() if not key.startswith(("CSOUND_LSP_", "OLLAMA"))
    }
    server_env.update({"PYTHONUNBUFFERED": "1", "CSOUND_LSP_LOG_DIR": str(log_dir), **env})
    config = ClientServerConfig(
        server_command=[sys.executable, "-m", "csound_lsp", "serve"], server_env=server_env
    )
    client = await config.start()
    assert isinstance(client, LanguageClient)
    try:
        await client.initialize_session(
            types.InitializeParams(
                capabilities=capabilities(inline=inline),
                root_uri=ROOT.as_uri(),
                # No background index: it would compete for the CPU with the generation under test.
                initialization_options={
                    "diagnostics": {"csound": False},
                    "indexOnStart": False,
                    **(options or {}),
                },
            )
        )
        yield client
    finally:
        # also after a failed assertion: a server left running would hang the test run
        with contextlib.suppress(Exception):
            await asyncio.wait_for(client.shutdown_session(), 15)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(client.stop(), 15)


async def open_doc(client: LanguageClient, uri: str, text: str) -> None:
    waiter = client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="csound", version=1, text=text)
        )
    )
    await waiter


def inline_params(
    uri: str, position: types.Position, *, invoked: bool = True
) -> types.InlineCompletionParams:
    kind = (
        types.InlineCompletionTriggerKind.Invoked if invoked else types.InlineCompletionTriggerKind.Automatic
    )
    return types.InlineCompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        position=position,
        context=types.InlineCompletionContext(trigger_kind=kind),
    )


def inline_texts(result: Any) -> list[str]:
    if result is None:
        return []
    items = result.items if isinstance(result, types.InlineCompletionList) else result
    return [
        item.insert_text if isinstance(item.insert_text, str) else item.insert_text.value for item in items
    ]
