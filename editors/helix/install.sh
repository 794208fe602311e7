#!/usr/bin/env bash
# Sets Helix up for Csound from this checkout: compiles our three tree-sitter grammars into
# CONFIG/runtime/grammars, copies our queries into CONFIG/runtime/queries/{csound,csound-orc,csound-sco}, and
# writes CONFIG/languages.toml from editors/helix/languages.toml with this checkout's paths (an existing
# languages.toml is kept, and the Csound part is printed for you to merge).
# Usage: editors/helix/install.sh [CONFIG_DIR] [SERVER_COMMAND]
#   CONFIG_DIR defaults to ${XDG_CONFIG_HOME:-~/.config}/helix; SERVER_COMMAND to .venv/bin/csound-lsp or csound-lsp.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
config=${1:-${XDG_CONFIG_HOME:-$HOME/.config}/helix}
server=${2:-}
if [ -z "$server" ]; then
  if [ -x "$root/.venv/bin/csound-lsp" ]; then server=$root/.venv/bin/csound-lsp; else server=csound-lsp; fi
fi
grammar=$root/grammars/tree-sitter-csound
mkdir -p "$config/runtime/grammars"
for pair in csound:csd csound_orc:orc csound_sco:sco; do
  lang=${pair%%:*} sub=${pair#*:}
  src=$grammar/$sub/src
  files=("$src/parser.c")
  [ -f "$src/scanner.c" ] && files+=("$src/scanner.c")
  ${CC:-cc} -shared -fPIC -O2 -std=c11 -I "$src" "${files[@]}" -o "$config/runtime/grammars/$lang.so"
done
for lang in csound csound-orc csound-sco; do
  mkdir -p "$config/runtime/queries/$lang"
  for query in highlights locals folds indents injections textobjects tags; do
    [ -f "$grammar/queries/$query.scm" ] && cp "$grammar/queries/$query.scm" "$config/runtime/queries/$lang/"
  done
done
languages=$(sed -e "s#/path/to/csound-lsp/grammars#$grammar#" \
  -e "s#^command = \"csound-lsp\".*#command = \"$server\"#" "$here/languages.toml")
if [ -f "$config/languages.toml" ] && ! grep -q 'csound-lsp' "$config/languages.toml"; then
  echo "$config/languages.toml exists: merge this into it:"
  echo "$languages"
else
  echo "$languages" > "$config/languages.toml"
fi
echo "Helix: grammars, queries and languages.toml in $config (check with: hx --health csound)"
