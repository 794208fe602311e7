"""Compiles the committed tree-sitter parsers into csound_lsp._binding at install time."""

from pathlib import Path

from setuptools import Extension, setup

GRAMMAR = Path("grammars/tree-sitter-csound")
DIALECTS = ("csd", "orc", "sco")

sources = ["csound_lsp/_binding.c"]
for dialect in DIALECTS:
    src = GRAMMAR / dialect / "src"
    sources.append(str(src / "parser.c"))
    if (src / "scanner.c").exists():
        sources.append(str(src / "scanner.c"))

setup(
    ext_modules=[
        Extension(
            "csound_lsp._binding",
            sources=sources,
            extra_compile_args=["-std=c11", "-O2", "-fvisibility=hidden"],
        )
    ]
)
