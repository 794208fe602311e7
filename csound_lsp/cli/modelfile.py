"""`csound-lsp modelfile --gguf PATH`: an Ollama Modelfile for a Csound model tuned on our pairs.

The template is ChatML (what Qwen2.5-Coder, the default model family, was trained on) with a
fill-in-the-middle branch for Ollama's `suffix` requests, so one model can serve both inline
completion (`ai.models.completion`) and chat (`ai.models.chat`).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

from csound_lsp.ai.prompts import CSOUND_RULES

SYSTEM_PROMPT = (
    "You are a Csound expert working inside a Csound editor. You write, explain and repair Csound "
    "code: CSD files, orchestras, scores and user-defined opcodes.\n\n" + CSOUND_RULES
)

#: ChatML with a FIM branch: Ollama fills .Suffix for insert requests. System messages arrive in
#: .System (Ollama gathers them), so the loop over .Messages skips them.
TEMPLATE = """{{- if .Suffix }}<|fim_prefix|>{{ .Prompt }}<|fim_suffix|>{{ .Suffix }}<|fim_middle|>
{{- else if .Messages }}
{{- if .System }}<|im_start|>system
{{ .System }}<|im_end|>
{{ end }}
{{- range $i, $_ := .Messages }}
{{- $last := eq (len (slice $.Messages $i)) 1 -}}
{{- if ne .Role "system" }}<|im_start|>{{ .Role }}
{{ .Content }}{{ if not $last }}<|im_end|>
{{ end }}
{{- if and $last (ne .Role "assistant") }}<|im_end|>
<|im_start|>assistant
{{ end }}
{{- end }}
{{- end }}
{{- else }}
{{- if .System }}<|im_start|>system
{{ .System }}<|im_end|>
{{ end }}{{ if .Prompt }}<|im_start|>user
{{ .Prompt }}<|im_end|>
{{ end }}<|im_start|>assistant
{{ end }}{{ .Response }}{{ if .Response }}<|im_end|>{{ end }}"""

STOP_TOKENS = ("<|im_end|>", "<|im_start|>", "<|endoftext|>", "<|fim_pad|>", "<|file_sep|>", "<|repo_name|>")

PARAMETERS: tuple[tuple[str, str], ...] = (
    # Low temperature: code that compiles matters more than variety.
    ("temperature", "0.2"),
    ("top_p", "0.9"),
    ("repeat_penalty", "1.05"),
    # Room for a CSD, its grounding (opcode facts, retrieved examples) and the answer.
    ("num_ctx", "8192"),
)

_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*(?::[A-Za-z0-9._-]+)?$")


def modelfile_text(gguf: str) -> str:
    lines = [
        "# Ollama Modelfile for a Csound model fine-tuned on `csound-lsp dataset export` pairs.",
        f"FROM {gguf}",
        "",
        f'TEMPLATE """{TEMPLATE}"""',
        "",
        f'SYSTEM """{SYSTEM_PROMPT}"""',
        "",
    ]
    lines += [f"PARAMETER {name} {value}" for name, value in PARAMETERS]
    lines += [f'PARAMETER stop "{token}"' for token in STOP_TOKENS]
    return "\n".join(lines) + "\n"


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("modelfile", help="write an Ollama Modelfile for a fine-tuned GGUF")
    parser.add_argument("--gguf", required=True, metavar="PATH", help="the quantised model file (.gguf)")
    parser.add_argument("--name", default="csound-coder", help="the Ollama model name (default csound-coder)")
    parser.add_argument(
        "-o", "--output", default="Modelfile", metavar="FILE", help="where to write (default ./Modelfile)"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    gguf = Path(args.gguf)
    if not gguf.is_file():
        print(f"csound-lsp: {gguf}: no such file", file=sys.stderr)
        return 2
    with gguf.open("rb") as handle:
        magic = handle.read(4)
    if magic != b"GGUF":
        print(f"csound-lsp: {gguf}: not a GGUF file (it does not start with GGUF)", file=sys.stderr)
        return 2
    if not _NAME.match(args.name):
        print(
            f"csound-lsp: {args.name!r} is not a valid Ollama model name (lowercase, digits, . _ -)",
            file=sys.stderr,
        )
        return 2
    output = Path(args.output)
    if not output.parent.is_dir():
        print(f"csound-lsp: {output.parent}: no such folder", file=sys.stderr)
        return 2
    # Relative to the Modelfile's folder, as `ollama create` resolves it.
    try:
        source = "./" + gguf.resolve().relative_to(output.resolve().parent).as_posix()
    except ValueError:
        source = str(gguf.resolve())
    output.write_text(modelfile_text(source), encoding="utf-8")
    print(f"wrote {output}")
    print(f"next: ollama create {args.name} -f {output}")
    print(
        f'then set "ai": {{"models": {{"chat": "{args.name}", "completion": "{args.name}"}}}} '
        f"(or CSOUND_LSP_AI_MODEL={args.name})"
    )
    return 0
