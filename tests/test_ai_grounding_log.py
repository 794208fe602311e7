"""AI grounding uses the same retrieval as search, and the AI log names the chunks each prompt carried."""

from __future__ import annotations

from pathlib import Path

import pytest

from csound_lsp.ai import AIService, parse_ai_settings
from csound_lsp.ai.ailog import AILog, read_records
from csound_lsp.ai.assistant import generate
from csound_lsp.ai.grounding import Retriever
from csound_lsp.retrieval import RetrievalEngine, Sources
from tests.fake_ollama import FakeOllama
from tests.retrieval_fixtures import OPCODES, write_corpus

pytestmark = pytest.mark.timeout(120)

REPLY = ("```csound\n", "instr 2\n", "  aSig vco2 0.3, 220\n", "  outs aSig, aSig\n", "endin\n", "```\n")


async def test_generate_logs_which_chunks_went_into_its_prompt(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    engine = RetrievalEngine(
        Sources(corpus_dir=str(corpus), include_manual=False), cache_dir=tmp_path / "index", opcodes=OPCODES
    )
    report = engine.build()
    assert report.mode == "hybrid"  # the built-in static model, no backend embeddings
    with FakeOllama(tokens=REPLY) as fake:
        settings, problems = parse_ai_settings(None, {"CSOUND_LSP_AI_HOST": fake.url})
        assert not problems
        service = AIService(settings)
        try:
            await generate(
                "a plucked string through a resonant body",
                service=service,
                max_attempts=1,
                retriever=Retriever(engine),
                log=AILog(tmp_path / "logs"),
            )
        finally:
            await service.aclose()
        prompt = "\n".join(
            str(m.get("content", "")) for m in fake.requests_to("/api/chat")[0].body["messages"]
        )
    (record,) = [r for r in read_records(tmp_path / "logs") if r["kind"] == "generate"]
    chunks = record["retrieval_chunks"]
    assert chunks and len(chunks) == len(record["retrieval_scores"])
    path, lines = chunks[0].rsplit(":", 1)
    assert Path(path).name == "pluck-body.csd"
    start, end = (int(n) for n in lines.split("-"))
    # The logged lines are the very lines the prompt carried.
    shown = Path(path).read_text(encoding="utf-8").splitlines()[start - 1 : end]
    assert "pluck" in "\n".join(shown)
    assert all(line.strip() in prompt for line in shown[:5] if line.strip())
