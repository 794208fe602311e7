#!/usr/bin/env bash
# Installs the real editors the end-to-end tests in tests/editors/ drive, through ../shared/tools:
#   Neovim 0.12, Emacs 30, Helix 25.01 (tools/lsp-clients, ~20 s), code-server + Chromium + playwright-core
#   (tools/code-server, ~4 min the first time), tmux, and the VS Code extension's node_modules + .vsix.
# Needs root for apt-get. Afterwards: .venv/bin/python -m pytest tests/editors
# Usage: scripts/install_editors.sh [--no-vscode]
#   CSOUND_LSP_EDITORS (default /opt/lsp-clients) and CSOUND_LSP_CODE_SERVER (default /opt/code-server-e2e) pick
#   the prefixes; the tests look there too.
set -euo pipefail
cd "$(dirname "$0")/.."
tools=${CSOUND_LSP_SHARED_TOOLS:-$(cd .. && pwd)/shared/tools}
clients=${CSOUND_LSP_EDITORS:-/opt/lsp-clients}
code_server=${CSOUND_LSP_CODE_SERVER:-/opt/code-server-e2e}
with_vscode=1
[ "${1:-}" = "--no-vscode" ] && with_vscode=0

if ! command -v tmux >/dev/null || ! command -v cc >/dev/null; then
  echo "== installing tmux and a C compiler (apt)"
  apt-get install -y -qq tmux build-essential >/dev/null
fi
if [ ! -x "$clients/nvim.sh" ] || [ ! -x "$clients/emacs.sh" ] || [ ! -x "$clients/hx.sh" ]; then
  echo "== Neovim, Emacs, Helix into $clients"
  "$tools/lsp-clients" "$clients"
fi
"$clients/nvim.sh" --version | head -1
"$clients/emacs.sh" --version | head -1
"$clients/hx.sh" --version

if [ "$with_vscode" = 1 ]; then
  echo "== code-server, Chromium, playwright-core into $code_server"
  eval "$("$tools/code-server" "$code_server")"
  # vsce package also builds the csound-lsp wheel the .vsix carries (editors/vscode/scripts/prepare-package.js,
  # with .venv's Python, or CSOUND_LSP_BUILD_PYTHON; CSOUND_LSP_WHEEL bundles a ready-made one).
  echo "== VS Code extension: npm ci and package (with the csound-lsp wheel)"
  (cd editors/vscode && npm ci --no-audit --no-fund && npx vsce package -o csound-lsp.vsix)
fi
echo "Editors ready: run  python -m pytest tests/editors"
