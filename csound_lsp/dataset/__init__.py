"""Fine-tuning data from our corpus: instruction pairs (generate, explain, complete, fix), every
answer's code compile-checked by Csound, deduplicated, split by piece, in three JSONL formats.

    report = export(Path("pairs.jsonl"), fmt="sharegpt", held_out=0.1, seed=0)
"""

from csound_lsp.dataset.export import DatasetError, ExportReport, build_pairs, export, held_out_path, split
from csound_lsp.dataset.formats import FORMATS, Format, record, schema_problems, system_prompt
from csound_lsp.dataset.pairs import CATEGORIES, Category, Pair

__all__ = [
    "CATEGORIES",
    "FORMATS",
    "Category",
    "DatasetError",
    "ExportReport",
    "Format",
    "Pair",
    "build_pairs",
    "export",
    "held_out_path",
    "record",
    "schema_problems",
    "split",
    "system_prompt",
]
