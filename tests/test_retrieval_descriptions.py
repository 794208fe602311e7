"""Our description of every opcode, its checks, and how retrieval uses it (headers, boost, words)."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from csound_lsp.catalog.descriptions import descriptions, validate_descriptions
from csound_lsp.retrieval import RetrievalEngine, Sources
from csound_lsp.retrieval.chunks import Chunk, opcode_descriptions
from csound_lsp.retrieval.describe import expand_query
from csound_lsp.retrieval.opcodes import load_opcode_names
from tests.retrieval_fixtures import OPCODES, write_corpus

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "bench" / "retrieval_musicians.json"


def test_every_catalog_opcode_has_a_description() -> None:
    names = load_opcode_names()
    assert len(names) > 1500
    missing = sorted(n for n in names if n not in descriptions())
    assert missing == []


def test_shipped_descriptions_pass_their_checks() -> None:
    assert validate_descriptions(load_opcode_names()) == []


def _write(folder: Path, entries: dict[str, dict[str, str]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bad.json").write_text(json.dumps(entries), encoding="utf-8")
    return folder


def test_checks_reject_unknown_opcodes_rates_and_categories(tmp_path: Path) -> None:
    known = load_opcode_names()
    folder = _write(
        tmp_path / "d",
        {
            "filters": {
                "notAnOpcode": "A filter that does not exist anywhere in Csound.",
                "buthp": "High-pass like `moogfilterx`, a made-up name in backticks.",
                "butbp": "Band-pass sibling of zdf_superladder, a made-up name in code style.",
                "butbr": "Band-reject filter running at x-rate, a rate Csound lacks.",
                "oscili": "Already described by the cheat sheet, so not allowed here.",
                "lowres": "Short.",
            },
            "no-such-category": {"tone": "A first-order low-pass filter with a made-up category."},
        },
    )
    problems = "\n".join(validate_descriptions(known, folder))
    assert "notAnOpcode: not an opcode" in problems
    assert "'moogfilterx', which is not an opcode" in problems
    assert "'zdf_superladder' looks like an opcode name" in problems
    assert "x-rate" in problems
    assert "oscili: already described by the cheat sheet" in problems
    assert "lowres: 1 words" in problems
    assert "unknown category 'no-such-category'" in problems


def test_chunk_headers_carry_the_descriptions_of_their_opcodes() -> None:
    chunk = Chunk("/x/echo.csd", 1, 5, "instrument", "aDel deltapi 0.3", "Echo", ("deltapi", "outs", "xin"))
    header = chunk.header()
    assert "deltapi: " + descriptions()["deltapi"].text in header
    assert "xin:" not in header  # structure says nothing a user asks for
    sounds = opcode_descriptions(["outs", "pluck", "init"])
    assert sounds[0].startswith("pluck: ")  # sound-making opcodes first
    assert not any(line.startswith("init:") for line in sounds)


def test_musician_words_add_technical_terms() -> None:
    expanded = expand_query("echoes bouncing left to right")
    assert expanded.startswith("echoes bouncing left to right ")
    assert "delay" in expanded and "pong" in expanded
    assert expand_query("fm bell") == "fm bell fm inharmonic partials"
    assert expand_query("xyzzy") == "xyzzy"


def test_description_boost_finds_code_by_what_its_opcodes_do(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    engine = RetrievalEngine(
        Sources(corpus_dir=str(corpus), include_manual=False), cache_dir=tmp_path / "c", opcodes=OPCODES
    )
    engine.build()
    snapshot = engine._snapshot
    assert snapshot is not None
    # Words of the descriptions, not of the code: the chunk calling the described opcode is found.
    query = "Karplus-Strong decaying plucked string with six decay filters"
    for lexical, dense in ((False, True), (True, False)):
        ranked = engine._described(query, snapshot, lexical=lexical, dense=dense)
        assert ranked, (lexical, dense)
        assert "pluck" in snapshot.chunks[ranked[0][0]].opcodes
    # A paraphrase that shares no word with the description of delayw (matched in the teacher's
    # space, static.DescriptionSpace) finds the echo that calls it.
    echo = engine._described(
        "a copy of the signal heard again a moment afterwards", snapshot, lexical=False, dense=True
    )
    assert echo and "delayw" in snapshot.chunks[echo[0][0]].opcodes
    # Nothing in this corpus calls what this one matches: no ranking, rather than a wrong one.
    assert engine._described("read the joystick position", snapshot, lexical=True, dense=True) == []
    engine.describe = False
    assert engine._described(query, snapshot, lexical=True, dense=True) == []


def _half(need_id: str) -> str:
    return "test" if hashlib.sha256(need_id.encode("utf-8")).digest()[0] % 2 else "dev"


#: Opcode names that are everyday words; a query may use them (never for its own answer).
EVERYDAY = frozenset(
    [
        "a",
        "i",
        "in",
        "out",
        "k",
        "s",
        "array",
        "comb",
        "connect",
        "control",
        "crunch",
        "db",
        "delay",
        "event",
        "fft",
        "follow",
        "gain",
        "grain",
        "lfo",
        "line",
        "mute",
        "noise",
        "octave",
        "partials",
        "pitch",
        "print",
        "random",
        "release",
        "remove",
        "scale",
        "space",
        "spectrum",
        "stack",
        "sum",
        "system",
        "table",
        "tempo",
        "tone",
        "trigger",
        "vibrato",
        "voice",
    ]
)


def test_evaluation_queries_are_fair_and_split_by_need() -> None:
    needs = json.loads(EVAL.read_text(encoding="utf-8"))["needs"]
    queries = [q for n in needs for q in n["queries"]]
    assert len(queries) >= 200 and len(set(queries)) == len(queries)
    corpus_udos: set[str] = set()
    for path in (ROOT / "corpus").rglob("*.csd"):
        corpus_udos |= set(re.findall(r"^\s*opcode\s+(\w+)", path.read_text(encoding="utf-8"), re.M))
    known = load_opcode_names()
    lowered = {n.lower() for n in known}
    for need in needs:
        assert len(need["queries"]) >= 3, need["id"]
        assert set(need["opcodes"]) <= known | corpus_udos, need["id"]
        answers = {a.lower() for a in need["opcodes"]}
        for query in need["queries"]:
            words = {w.lower() for w in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", query)}
            assert not words & answers, query
            assert {w for w in words if w in lowered} <= EVERYDAY, query
    areas = {n["area"] for n in needs}
    assert {"synthesis", "effects", "score", "midi", "spectral", "granular", "physical-models"} <= areas
    halves = [_half(n["id"]) for n in needs]
    test_queries = sum(len(n["queries"]) for n, h in zip(needs, halves, strict=True) if h == "test")
    assert 0.4 * len(queries) <= test_queries <= 0.6 * len(queries)


@pytest.mark.parametrize("name", ["moogladder", "pvsfreeze", "tambourine", "la_i_add_mc", "pycall2i"])
def test_descriptions_read_like_sentences(name: str) -> None:
    text = descriptions()[name].text
    assert text[0].isupper() and text.endswith(".")
    assert 4 <= len(text.split()) <= 40
