#!/usr/bin/env bash
# Runs the whole test suite, setting the machine up first when needed (safe to run on a clean checkout).
# In CI (CI=true), or with CSOUND_LSP_EDITOR_TESTS=1, it also installs the real editors the end-to-end
# tests drive (Neovim, Emacs, Helix, VS Code through code-server); elsewhere those tests skip when the
# editors are missing. An editor that cannot be installed leaves its tests skipped, with a warning.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --no-run
if [ "${CI:-}" = "true" ] || [ "${CSOUND_LSP_EDITOR_TESTS:-}" = "1" ]; then
  if [ "$(id -u)" = 0 ]; then
    scripts/install_editors.sh || echo "== warning: editors could not all be installed; their tests will skip"
  fi
fi
exec .venv/bin/python -m pytest "$@"
