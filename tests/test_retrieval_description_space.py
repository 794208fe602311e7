"""The teacher's vectors of our descriptions and the query map shipped beside the static model."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from csound_lsp.catalog.descriptions import descriptions
from csound_lsp.retrieval.describe import DescriptionIndex
from csound_lsp.retrieval.opcodes import load_opcode_names
from csound_lsp.retrieval.static import (
    MODEL_DIR,
    DescriptionSpace,
    StaticEmbedder,
    default_embedder,
    text_digest,
)
from csound_lsp.retrieval.tokenize import Tokenizer


def test_shipped_space_covers_our_descriptions() -> None:
    embedder = default_embedder()
    assert embedder is not None and embedder.descriptions is not None
    space = embedder.descriptions
    found = descriptions()
    current = [name for name in found if space.vector(name, found[name].text) is not None]
    # Rows are only served for the very text they were made from; nearly all are current.
    assert len(current) >= 0.9 * len(found)
    assert space.vector("oscili", "some other text") is None
    mapped = space.to_teacher(embedder.embed(["a warm analogue pad"], "query"))
    assert mapped.shape == (1, space.vectors.shape[1])
    assert abs(float(np.linalg.norm(mapped)) - 1.0) < 1e-4


def test_an_edited_description_is_mapped_from_its_static_vector() -> None:
    embedder = default_embedder()
    assert embedder is not None
    texts = {"moogladder": descriptions()["moogladder"].text, "pluck": "An edited description of a string."}
    index = DescriptionIndex(texts, Tokenizer(load_opcode_names()), embedder)
    assert index.vectors is not None and index.space is not None
    teacher = index.space.vector("moogladder", texts["moogladder"])
    assert teacher is not None
    assert np.allclose(
        index.vectors[index.names.index("moogladder")], teacher / np.linalg.norm(teacher), atol=1e-3
    )
    edited = index.vectors[index.names.index("pluck")]
    assert float(np.linalg.norm(edited)) > 0.99
    assert index.match("ladder low-pass filter", lexical=False)[0].opcode == "moogladder"


def test_damaged_space_files_leave_static_matching(tmp_path: Path) -> None:
    folder = tmp_path / "model"
    shutil.copytree(MODEL_DIR, folder)
    meta = json.loads((folder / "descriptions.json").read_text(encoding="utf-8"))
    meta["names"] = meta["names"][:-1]  # one name fewer than vectors
    (folder / "descriptions.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ValueError):
        DescriptionSpace(folder)
    embedder = StaticEmbedder(folder)
    assert embedder.descriptions is None
    index = DescriptionIndex(
        {"pluck": descriptions()["pluck"].text}, Tokenizer(load_opcode_names()), embedder
    )
    assert index.space is None and index.vectors is not None


def test_digest_is_of_the_exact_text() -> None:
    assert text_digest("a") != text_digest("a ")
    assert text_digest("filter") == text_digest("filter")
