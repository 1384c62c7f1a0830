#!/usr/bin/env bash
# marked's lexing and parsing of hostile markdown in V8 (node) and in
# JavaScriptCore (jsc: the engine WebKitGTK runs the UI in), with marked's
# rules as shipped and with the sticky anchored rules Halley uses
# (ui/src/lib/markdown/anchored-rules.ts). Needs `npm ci` in ui/ and, for
# JavaScriptCore, the jsc shell (Debian: libjavascriptcoregtk-4.0-bin, the
# same JavaScriptCore release as WebKitGTK 4.1's).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
ui/node_modules/.bin/rolldown tests/bench/markdown-engines.ts --format esm --file "$out/bench.mjs" >/dev/null
echo "V8 (node $(node --version))"
node "$out/bench.mjs"
if ! command -v jsc >/dev/null; then
  echo "jsc not found: install the JavaScriptCore shell (Debian: libjavascriptcoregtk-4.0-bin)" >&2
  exit 1
fi
echo "JavaScriptCore ($(dpkg-query -W -f='${Version}' libjavascriptcoregtk-4.0-bin 2>/dev/null || echo jsc))"
jsc -m "$out/bench.mjs"
