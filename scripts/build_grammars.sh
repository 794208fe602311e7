#!/usr/bin/env bash
# Regenerate the three Csound parsers (csd, orc, sco) from
# grammars/tree-sitter-csound/common/define-grammar.js and run their corpus tests.
#
# Usage: scripts/build_grammars.sh [--no-test] [--opcodes]
#   --opcodes   first regenerate common/opcode_names.h from the installed Csound
#   --no-test   skip `tree-sitter test`
# For developers only: the package compiles the committed src/parser.c files.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
GRAMMAR="$ROOT/grammars/tree-sitter-csound"
TS="${TREE_SITTER:-$ROOT/../shared/tools/tree-sitter}"
if [[ ! -x "$TS" ]]; then TS="$(command -v tree-sitter)"; fi

run_tests=1
for arg in "$@"; do
  case "$arg" in
    --no-test) run_tests=0 ;;
    --opcodes) python3 "$ROOT/scripts/gen_opcode_names.py" ;;
    *) echo "unknown option: $arg" >&2; exit 2 ;;
  esac
done

for dialect in csd orc sco; do
  echo "== $dialect: generate" >&2
  (cd "$GRAMMAR/$dialect" && "$TS" generate --no-bindings)
  # Older CLIs write binding boilerplate; our package compiles parser.c itself.
  (cd "$GRAMMAR/$dialect" && rm -rf bindings binding.gyp Cargo.toml setup.py pyproject.toml \
    Package.swift Makefile .editorconfig .gitattributes .gitignore package.json go.mod CMakeLists.txt)
done

if [[ "$run_tests" == 1 ]]; then
  for dialect in csd orc sco; do
    echo "== $dialect: test" >&2
    (cd "$GRAMMAR/$dialect" && "$TS" test)
  done
fi
