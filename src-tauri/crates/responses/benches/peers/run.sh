#!/usr/bin/env bash
# The same recorded bytes, in one run, through every client a user could pick
# instead of Halley's, then through ours; prints events/s, MB/s, lost events
# and lost responses for each, and the ratios. See docs/performance.md.
#
#   src-tauri/crates/responses/benches/peers/run.sh          # ROUNDS=20 passes per peer
#
# Each recorded stream (`<corpus>/*/response.sse`) is its own response,
# decoded and folded to its final state by each client's own streaming path,
# with only the network replaced in-process (Python: httpx MockTransport;
# Node: a custom fetch; async-openai: a tower service via
# Client::with_http_service), in 16 KiB chunks:
#   - openai (PyPI)  client.responses.stream() + get_final_response()
#   - openai (npm)   client.responses.stream() + finalResponse()
#   - async-openai   client.responses().create_stream() (no accumulator: the
#                    final state is the terminal event's Response); plus a
#                    decode-only row: its eventsource_stream + serde_json step
#                    called directly, without reqwest body / task / channel
#   - ours           EventDecoder + Accumulator (examples/stream_throughput.rs)
#   - floor          split on '\n' + serde_json::Value per data: line
#
# Installs what it needs under <repo>/target/bench-peers (a Python venv and an
# npm folder, versions pinned below); the async-openai peer is its own Cargo
# project (own [workspace], never built by the test command), built into
# $CARGO_TARGET_DIR/peer-async-openai. Needs python3, npm, cargo; network only
# for the first install.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../../../.." && pwd)"
corpus="${HALLEY_CORPUS:-$repo/../shared/fixtures/responses/cases}"
corpus="$(cd "$corpus" && pwd)"
rounds="${ROUNDS:-20}"             # passes for the Python and Node peers (~0.2-1 s each)
rust_rounds="${RUST_ROUNDS:-200}"  # passes for async-openai and ours (~10 ms each)
target="${CARGO_TARGET_DIR:-$repo/target}"
peers="$repo/target/bench-peers"
PY_OPENAI="3.57.0"
NODE_OPENAI="7.57.0"     # the 7.x line; needs Node >= 22
NODE_OPENAI_FALLBACK="5.23.2"  # runs on Node 20
mkdir -p "$peers"
log() { printf '== %s\n' "$*" >&2; }

# ---- install / build (before any timing, so builds don't load the machine during runs)
log "openai (PyPI) $PY_OPENAI in $peers/venv"
if [ "$("$peers/venv/bin/python" -c 'import openai; print(openai.__version__)' 2>/dev/null)" != "$PY_OPENAI" ]; then
  python3 -m venv "$peers/venv"
  "$peers/venv/bin/pip" install -q "openai==$PY_OPENAI"
fi

log "openai (npm) in $peers/node"
node_bin=""
node_sdk=""
if [ ! -x "$peers/node/node_modules/.bin/node" ] || [ ! -f "$peers/node/node_modules/openai/package.json" ] \
   || ! grep -q "\"version\": \"$NODE_OPENAI\"" "$peers/node/node_modules/openai/package.json"; then
  mkdir -p "$peers/node"
  [ -f "$peers/node/package.json" ] || echo '{"private": true}' >"$peers/node/package.json"
  npm install --prefix "$peers/node" --silent --no-audit --no-fund "node@22" "openai@$NODE_OPENAI" >&2 || true
fi
if [ -x "$peers/node/node_modules/.bin/node" ] \
   && [ "$("$peers/node/node_modules/.bin/node" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)" -ge 22 ] \
   && grep -q "\"version\": \"$NODE_OPENAI\"" "$peers/node/node_modules/openai/package.json" 2>/dev/null; then
  node_bin="$peers/node/node_modules/.bin/node"
  node_sdk="$peers/node/node_modules/openai/index.mjs"
else
  log "Node 22 or openai@$NODE_OPENAI unavailable: falling back to openai@$NODE_OPENAI_FALLBACK on $(node --version)"
  mkdir -p "$peers/node5"
  [ -f "$peers/node5/package.json" ] || echo '{"private": true}' >"$peers/node5/package.json"
  grep -q "\"version\": \"$NODE_OPENAI_FALLBACK\"" "$peers/node5/node_modules/openai/package.json" 2>/dev/null \
    || npm install --prefix "$peers/node5" --silent --no-audit --no-fund "openai@$NODE_OPENAI_FALLBACK" >&2
  node_bin="$(command -v node)"
  node_sdk="$peers/node5/node_modules/openai/index.mjs"
fi

log "async-openai peer (own workspace) into $target/peer-async-openai"
CARGO_TARGET_DIR="$target/peer-async-openai" cargo build --quiet --release \
  --manifest-path "$here/async-openai/Cargo.toml"
aoai_bin="$target/peer-async-openai/release/peer-async-openai"

log "halley-responses example stream_throughput"
(cd "$repo" && CARGO_TARGET_DIR="$target" cargo build --quiet --release -p halley-responses --example stream_throughput)
ours_bin="$target/release/examples/stream_throughput"

# ---- measure, back to back
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
log "corpus: $corpus ($(ls "$corpus"/*/response.sse | wc -l) streams); $rounds passes for Python/Node, $rust_rounds for Rust"
log "running openai-python";  "$peers/venv/bin/python" "$here/openai_py.py" "$corpus" "$rounds" | tee -a "$out"
log "running openai-node";    "$node_bin" "$here/openai_node.mjs" "$corpus" "$rounds" "$node_sdk" | tee -a "$out"
log "running async-openai";   "$aoai_bin" "$corpus" "$rust_rounds" | tee -a "$out"
log "running halley-responses + serde_json::Value floor"; "$ours_bin" "$corpus" "$rust_rounds" | tee -a "$out"

# ---- table and ratios
python3 - "$out" <<'PY'
import sys
rows = []
for line in open(sys.argv[1]):
    if line.startswith("RESULT "):
        rows.append(dict(kv.split("=", 1) for kv in line.split()[1:]))
by = {r["peer"]: r for r in rows}
ours = by["halley-responses"]
floor = by["serde_json::Value-floor"]
# Ratios compare time per pass over the same bytes (MB/s), not events/s:
# a peer that rejects an event has still spent the time on its bytes.
ours_mbs = float(ours["mb_per_s"])
print()
print(f"{'client':<26} {'version':<28} {'events':>11} {'lost ev':>7} {'responses':>9} {'events/s':>10} {'MB/s':>8} {'ours is':>9}")
for r in rows:
    eps = float(r["events_per_s"])
    resp = f"{r['responses']}/{r['streams']}" if r["responses"] != "-" else "-"
    ratio = "" if r is ours else f"{ours_mbs / float(r['mb_per_s']):.2f}x"
    print(f"{r['peer']:<26} {r['version']:<28} {r['events'] + '/' + r['expected']:>11} {r['lost_events']:>7} {resp:>9} {eps:>10,.0f} {float(r['mb_per_s']):>8.1f} {ratio:>9}")
print()
peers = [r for r in rows if r not in (ours, floor)]
lost = int(ours["lost_events"]) + int(ours["streams"]) - int(ours["responses"])
slowest_ratio = min(ours_mbs / float(r["mb_per_s"]) for r in peers if r["peer"] != "async-openai-decode-only")
aoai = by.get("async-openai")
print(f"goal: nothing lost                      -> {'met' if lost == 0 else 'MISSED'} ({ours['lost_events']} events, {int(ours['streams']) - int(ours['responses'])} responses lost)")
print(f"goal: faster than every peer            -> {'met' if slowest_ratio > 1 else 'MISSED'} (closest peer: ours is {slowest_ratio:.2f}x)")
if aoai:
    r = ours_mbs / float(aoai["mb_per_s"])
    print(f"goal: >= 1.5x async-openai              -> {'met' if r >= 1.5 else 'MISSED'} ({r:.2f}x its stream path)")
    if "async-openai-decode-only" in by:
        d = ours_mbs / float(by["async-openai-decode-only"]["mb_per_s"])
        print(f"      (vs its decoder + serde_json alone, which does not fold: {d:.2f}x)")
cost = float(floor["mb_per_s"]) / ours_mbs
print(f"goal: within 2x of the Value floor      -> {'met' if cost <= 2 else 'MISSED'} (parse+fold costs {cost:.2f}x the floor; {float(ours['ns_per_event']):,.0f} ns/event)")
PY
