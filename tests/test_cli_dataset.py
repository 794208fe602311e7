"""`csound-lsp dataset export`: pairs parse, fit their format, compile, dedup and split deterministically."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from csound_lsp.cli import main
from csound_lsp.csound.worker import CsoundChecker
from csound_lsp.dataset import FORMATS, Format, build_pairs, held_out_path, schema_problems, split
from csound_lsp.dataset.corpus import load_pieces
from csound_lsp.dataset.mutations import candidates, misspell
from csound_lsp.dataset.pairs import rng_for

pytestmark = pytest.mark.skipif(shutil.which("csound") is None, reason="needs Csound to verify pairs")

#: Pieces per export in these tests: enough for every category and a held-out piece, quick to compile.
LIMIT = "6"
CODE_BLOCK = re.compile(r"```csound\n(.*?)\n```", re.S)


def export(tmp_path: Path, name: str, *extra: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    out = tmp_path / name
    assert main(["dataset", "export", "-o", str(out), "--limit", LIMIT, *extra]) == 0
    return read_jsonl(out), read_jsonl(held_out_path(out))


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def sharegpt(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    return export(tmp_path_factory.mktemp("sharegpt"), "pairs.jsonl", "--seed", "3")


def test_every_format_fits_its_schema(tmp_path: Path) -> None:
    for fmt in FORMATS:
        train, held = export(tmp_path, f"{fmt}.jsonl", "--format", fmt, "--categories", "generate,complete")
        assert train and held
        for data in train + held:
            assert schema_problems(data, fmt) == [], data
        other: Format = "alpaca" if fmt != "alpaca" else "chatml"
        assert schema_problems(train[0], other)  # and not another's


def test_all_categories(sharegpt: tuple[list[dict[str, Any]], list[dict[str, Any]]]) -> None:
    train, held = sharegpt
    categories = Counter(data["category"] for data in train + held)
    assert set(categories) == {"generate", "explain", "complete", "fix"}
    systems = {data["category"]: data["conversations"][0]["value"] for data in train}
    assert (
        "You repair Csound code" in systems["fix"] and "You write Csound instruments" in systems["generate"]
    )


def test_held_out_pieces_never_reach_training(
    sharegpt: tuple[list[dict[str, Any]], list[dict[str, Any]]],
) -> None:
    train, held = sharegpt
    assert held
    assert not {d["source"] for d in train} & {d["source"] for d in held}


def test_no_duplicates(sharegpt: tuple[list[dict[str, Any]], list[dict[str, Any]]]) -> None:
    train, held = sharegpt
    keys = [json.dumps(d["conversations"][1:], sort_keys=True) for d in train + held]
    assert len(keys) == len(set(keys))


def test_fix_pairs_show_a_real_error_and_answer_code_that_compiles(
    sharegpt: tuple[list[dict[str, Any]], list[dict[str, Any]]],
) -> None:
    train, held = sharegpt
    fixes = [d for d in train + held if d["category"] == "fix"]
    assert len(fixes) >= 6
    sample = fixes[:: max(1, len(fixes) // 4)][:4]

    async def compile_all() -> list[tuple[bool, bool]]:
        checker = CsoundChecker()
        try:
            results = []
            for number, data in enumerate(sample):
                asked, answer = data["conversations"][1]["value"], data["conversations"][2]["value"]
                fixed = CODE_BLOCK.search(answer)
                assert fixed is not None, answer
                numbered = re.search(r"```\n(.*?)\n```", asked, re.S)
                assert numbered is not None
                broken = "\n".join(
                    line.split(" | ", 1)[1] if " | " in line else ""
                    for line in numbered.group(1).splitlines()
                )
                source = Path(__file__).resolve().parent.parent / "corpus" / f"{data['source']}.csd"
                good = await checker.check(f"test://fixed{number}.csd", 1, fixed.group(1) + "\n", source)
                bad = await checker.check(f"test://broken{number}.csd", 1, broken + "\n", source)
                results.append((good.ok, bad.ok))
                assert re.search(r"errors reported:\n- \S", asked)  # Csound's complaint is in the request
            return results
        finally:
            await checker.close()

    for fixed_ok, broken_ok in asyncio.run(compile_all()):
        assert fixed_ok and not broken_ok


def test_generate_answers_are_orchestra_and_score(
    sharegpt: tuple[list[dict[str, Any]], list[dict[str, Any]]],
) -> None:
    train, held = sharegpt
    generate = [d for d in train + held if d["category"] == "generate"]
    for data in generate:
        answer = data["conversations"][2]["value"]
        assert answer.startswith("```csound\n") and "\n```\n\n```score\n" in answer
        assert "instr" in answer and "<CsoundSynthesizer>" not in answer
        assert data["conversations"][1]["value"].startswith("Write a Csound instrument: ")


def test_same_seed_same_bytes_other_seed_other_split(tmp_path: Path) -> None:
    args = ("--categories", "generate,explain,fix", "--held-out", "0.34")
    export(tmp_path, "a.jsonl", "--seed", "7", *args)
    export(tmp_path, "b.jsonl", "--seed", "7", *args)
    export(tmp_path, "c.jsonl", "--seed", "8", *args)
    a, b, c = (tmp_path / f"{n}.jsonl" for n in "abc")
    assert a.read_bytes() == b.read_bytes()
    assert held_out_path(a).read_bytes() == held_out_path(b).read_bytes()
    assert a.read_bytes() != c.read_bytes()


def test_dedup_and_split_functions_are_deterministic() -> None:
    pieces = load_pieces()[:3]
    doubled = [*pieces, pieces[0]]
    pairs = asyncio.run(build_pairs(doubled, seed=1, categories=("generate", "complete")))
    assert len({pair.key for pair in pairs}) == len(pairs)
    once = asyncio.run(build_pairs(pieces, seed=1, categories=("generate", "complete")))
    assert [p.key for p in pairs] == [p.key for p in once]
    first = split(pairs, 0.34, 5)
    assert split(list(reversed(pairs)), 0.34, 5)[2] == first[2]  # held-out pieces do not depend on order
    assert [p.key for p in split(pairs, 0.34, 5)[0]] == [p.key for p in first[0]]


def test_mutations_are_realistic() -> None:
    piece = next(p for p in load_pieces() if "ftgen" in p.orchestra)
    found = candidates(piece, rng_for(0, piece.id))
    assert all(m.text != piece.text for tries in found.values() for m in tries)
    assert found["missing-endin"][0].text.count("endin") == piece.text.count("endin") - 1
    assert found["missing-table"], "a piece with ftgen offers a missing table"
    typo = misspell("oscili", rng_for(0, "x"))
    assert typo is not None and typo != "oscili" and abs(len(typo) - 6) <= 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--categories", "generate,poetry"], "unknown categories: poetry"),
        (["--limit", "0"], "--limit must be at least 1"),
        (["--corpus", "/no/such/corpus"], "no such folder"),
    ],
)
def test_bad_usage_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(["dataset", "export", "-o", str(tmp_path / "p.jsonl"), *args]) == 2
    assert message in capsys.readouterr().err


def test_bad_held_out_and_missing_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["dataset", "export", "-o", str(tmp_path / "p.jsonl"), "--held-out", "1.5"])
    assert exit_info.value.code == 2
    assert main(["dataset", "export", "-o", str(tmp_path / "missing" / "p.jsonl")]) == 2
    assert main(["dataset"]) == 2


def test_without_csound_nothing_unverified_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CSOUND_LSP_NO_CSOUND", "1")
    out = tmp_path / "p.jsonl"
    assert main(["dataset", "export", "-o", str(out), "--limit", "1"]) == 1
    assert "Csound is needed to verify" in capsys.readouterr().err
    assert not out.exists()
