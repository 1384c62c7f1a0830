#!/usr/bin/env bash
# Feeds every recorded stream through the official SDKs' stream parsers and
# prints events/s, MB/s and failures, for comparison with `cargo bench --bench fold`.
# Needs: python3 (venv), node + npm, cargo. Installs into target/ only.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../../../.." && pwd)"
corpus="${HALLEY_CORPUS:-$repo/../shared/fixtures/responses/cases}"
work="$repo/target/resp/peers"
rounds="${ROUNDS:-20}"
mkdir -p "$work"

echo "== openai (Python) =="
if [ ! -x "$work/venv/bin/python" ]; then
  python3 -m venv "$work/venv"
  "$work/venv/bin/pip" install -q openai
fi
"$work/venv/bin/python" "$here/openai_py.py" "$corpus" "$rounds"

echo "== openai (npm) =="
if [ ! -d "$work/node/node_modules/openai" ]; then
  mkdir -p "$work/node"
  (cd "$work/node" && npm init -y >/dev/null && npm install --silent openai@5)
fi
NODE_PATH="$work/node/node_modules" node "$here/openai_node.mjs" "$corpus" "$rounds" "$work/node/node_modules/openai/index.mjs"

echo "== async-openai (Rust) =="
CARGO_TARGET_DIR="$work/cargo" cargo run --quiet --release --manifest-path "$here/async-openai/Cargo.toml" -- "$corpus" "$rounds"

echo "== halley-responses =="
echo "see: CARGO_TARGET_DIR=$repo/target/resp cargo bench -p halley-responses --bench fold"
