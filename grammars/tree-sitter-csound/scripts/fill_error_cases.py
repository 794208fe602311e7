#!/usr/bin/env python3
"""Fill in expected trees for corpus cases that `tree-sitter test --update` skips.

Usage: python3 grammars/tree-sitter-csound/scripts/fill_error_cases.py DIALECT...   (csd, orc, sco)

`tree-sitter test --update` does not write expected output for trees holding
ERROR or MISSING nodes. For every corpus case whose expected tree is still the
bare root placeholder (e.g. `(orchestra)`), this parses the input with the
compiled grammar (via bench/_grammar_lib.py) and writes the tree as the
expectation. Review the result by eye: it records what the parser does.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

GRAMMAR_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(GRAMMAR_DIR.parents[1] / "bench"))

import tree_sitter  # noqa: E402
from _grammar_lib import load_languages  # noqa: E402

CASE = re.compile(r"^(={3,})\n(.*?)\n\1\n\n(.*?)\n(-{3,})\n\n(.*?)(?=\n={3,}\n|\Z)", re.S | re.M)


def sexp(node: tree_sitter.Node, field: str | None = None, depth: int = 0) -> str:
    prefix = "  " * depth + (f"{field}: " if field else "")
    if node.is_missing:
        return f'{prefix}(MISSING "{node.type}")' if not node.is_named else f"{prefix}(MISSING {node.type})"
    parts = [f"{prefix}({node.type}"]
    for index, child in enumerate(node.children):
        if not (child.is_named or child.is_missing or child.type == "ERROR"):
            continue
        parts.append("\n" + sexp(child, node.field_name_for_child(index), depth + 1))
    return "".join(parts) + ")"


def main(argv: list[str]) -> int:
    languages = load_languages()
    for dialect in argv:
        parser = tree_sitter.Parser(languages[dialect])
        for corpus in sorted((GRAMMAR_DIR / dialect / "test" / "corpus").glob("*.txt")):
            text = corpus.read_text()
            changed = False

            def fill(match: re.Match[str], parser: tree_sitter.Parser = parser) -> str:
                nonlocal changed
                if not re.fullmatch(r"\(\w+\)", match.group(5).strip()):
                    return match.group(0)
                changed = True
                tree = parser.parse((match.group(3) + "\n").encode())
                bar, title, source, dashes = match.group(1, 2, 3, 4)
                return f"{bar}\n{title}\n{bar}\n\n{source}\n{dashes}\n\n{sexp(tree.root_node)}\n"

            text = CASE.sub(fill, text)
            if changed:
                corpus.write_text(text)
                print(f"filled {corpus}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
