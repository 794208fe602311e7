"""Fill-in-the-middle prompt formats per model family, for servers that cannot take `suffix` natively.

Ollama applies a model's FIM template itself when the model has the `insert` capability; otherwise,
and on OpenAI-style `/v1/completions`, we write the family's special tokens into a raw prompt. The
family comes from the model name, because Ollama's `details.family` says "qwen2" for both the coder
(FIM-trained) and the general (not FIM-trained) Qwen 2.5 models.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class FimTemplate:
    family: str
    prefix: str
    suffix: str
    middle: str
    #: Tokens that end an infill; sent as stop sequences in raw mode.
    stops: tuple[str, ...]

    def render(self, prefix: str, suffix: str) -> str:
        """Prefix-suffix-middle order, the order all these families were trained with."""
        return f"{self.prefix}{prefix}{self.suffix}{suffix}{self.middle}"


_QWEN = FimTemplate(
    "qwen2.5-coder",
    "<|fim_prefix|>",
    "<|fim_suffix|>",
    "<|fim_middle|>",
    ("<|endoftext|>", "<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>", "<|fim_pad|>", "<|file_sep|>"),
)
#: Code Llama's infill format puts a space after <PRE> and before <SUF> and <MID>.
_CODELLAMA = FimTemplate("codellama", "<PRE> ", " <SUF>", " <MID>", ("<EOT>", "<PRE>", "<SUF>", "<MID>"))
_STARCODER = FimTemplate(
    "starcoder",
    "<fim_prefix>",
    "<fim_suffix>",
    "<fim_middle>",
    ("<|endoftext|>", "<fim_prefix>", "<fim_suffix>", "<fim_middle>", "<file_sep>"),
)
#: DeepSeek Coder's markers use U+FF5C (fullwidth bar) and U+2581 (lower one-eighth block).
_DEEPSEEK = FimTemplate(
    "deepseek-coder",
    "<\uff5cfim\u2581begin\uff5c>",
    "<\uff5cfim\u2581hole\uff5c>",
    "<\uff5cfim\u2581end\uff5c>",
    ("<\uff5cend\u2581of\u2581sentence\uff5c>", "<\uff5cfim\u2581begin\uff5c>", "<|EOT|>"),
)
_CODEGEMMA = FimTemplate(
    "codegemma",
    "<|fim_prefix|>",
    "<|fim_suffix|>",
    "<|fim_middle|>",
    ("<|file_separator|>", "<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>", "<end_of_turn>", "<eos>"),
)

#: First match wins; patterns are searched in the lower-cased model name (tag and namespace included).
FIM_FAMILIES: tuple[tuple[re.Pattern[str], FimTemplate], ...] = (
    (re.compile(r"qwen[\d.]*-?coder"), _QWEN),
    (re.compile(r"code-?llama"), _CODELLAMA),
    (re.compile(r"starcoder"), _STARCODER),
    (re.compile(r"deepseek-coder"), _DEEPSEEK),
    (re.compile(r"codegemma"), _CODEGEMMA),
)


def fim_template(model: str) -> FimTemplate | None:
    """The FIM format for `model` by name, or None when we know none for it."""
    name = model.lower()
    for pattern, template in FIM_FAMILIES:
        if pattern.search(name):
            return template
    return None
