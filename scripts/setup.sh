#!/usr/bin/env bash
# Sets csound-lsp up on a fresh Debian/Ubuntu machine and runs it once on a sample.
#   - as root: installs Csound (csound, libcsnd-dev) and the build tools from apt
#   - creates .venv and installs the package with its dev tools (this compiles our tree-sitter grammar)
#   - checks examples/broken-fm.csd and prints how to point an editor at the server
# Usage: scripts/setup.sh [--no-run]
set -euo pipefail
cd "$(dirname "$0")/.."
run_sample=1
[ "${1:-}" = "--no-run" ] && run_sample=0

apt_packages=(csound libcsnd-dev python3-venv python3-dev build-essential)
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  missing=()
  for p in "${apt_packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "== installing ${missing[*]} (apt)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
elif ! command -v csound >/dev/null; then
  echo "== Csound not found: run 'sudo apt-get install ${apt_packages[*]}' (or 'brew install csound' on macOS)."
  echo "   Everything but compiling with Csound works without it."
fi

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "== creating .venv"
  "$python" -m venv .venv
fi
echo "== installing csound-lsp into .venv (compiles the grammar)"
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e '.[dev]'

if [ "$run_sample" = 1 ]; then
  echo "== csound-lsp check examples/broken-fm.csd"
  .venv/bin/csound-lsp check examples/broken-fm.csd || true
  cat <<MSG

Ready. The server is $(pwd)/.venv/bin/csound-lsp (stdio). Point your editor at it:
  Neovim:  see editors/neovim/README.md     Emacs: editors/emacs/README.md
  Helix:   editors/helix/languages.toml     VS Code: editors/vscode/README.md
MSG
fi
