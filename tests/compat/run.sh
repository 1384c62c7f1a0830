#!/usr/bin/env bash
# The compatibility suite: starts third-party Responses API servers from the
# package registries on 127.0.0.1 only, runs halley-compat (Halley's own
# client, case by case) against each, and rewrites docs/compatibility.md from
# what happened. Set-up (the venv, npm ci) is ./x's; this script only runs.
#
#   llmock            (PyPI)  its own /v1/responses, scripted faults through
#                             its control API, answers that echo the prompt
#   aimock            (npm)   /v1/responses from tests/compat/aimock-fixtures.json
#   LiteLLM proxy     (PyPI)  /v1/responses bridged to llmock's chat
#                             completions, and passed through to llmock's
#                             /v1/responses; no database, a master key
#
# Exit status: halley-compat's (1 when Halley ended in a wrong state), or 1
# when a server does not start (its log is printed).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
VENV="$ROOT/target/compat-venv"
AIMOCK="$ROOT/tests/compat/node_modules/@copilotkit/aimock"
[ -x "$VENV/bin/llmock" ] || { echo "compat: $VENV is missing; run ./x test (it installs it)" >&2; exit 1; }
[ -d "$AIMOCK" ] || { echo "compat: aimock is missing; run ./x test (it installs it)" >&2; exit 1; }

WORK="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_for NAME URL SECONDS LOG: until URL answers; on time-out, show the log.
wait_for() {
  local name="$1" url="$2" seconds="$3" log="$4" i
  for ((i = 0; i < seconds * 2; i++)); do
    curl -s -o /dev/null --max-time 2 "$url" && return 0
    sleep 0.5
  done
  echo "compat: $name did not answer $url within ${seconds} s; its log:" >&2
  tail -n 40 "$log" >&2
  exit 1
}

version_of() { "$VENV/bin/python" -c "import importlib.metadata as m; print(m.version('$1'))"; }
LLMOCK_VERSION="$(version_of llmock)"
LITELLM_VERSION="$(version_of litellm)"
AIMOCK_VERSION="$(node -p "require('$AIMOCK/package.json').version")"

LLMOCK_PORT="$(free_port)"
"$VENV/bin/llmock" serve --host 127.0.0.1 --port "$LLMOCK_PORT" --response-style echo \
  --tool-mode auto --log-level warning >"$WORK/llmock.log" 2>&1 &
pids+=($!)

AIMOCK_PORT="$(free_port)"
node "$AIMOCK/dist/cli.js" --host 127.0.0.1 --port "$AIMOCK_PORT" \
  --fixtures "$ROOT/tests/compat/aimock-fixtures.json" >"$WORK/aimock.log" 2>&1 &
pids+=($!)

LITELLM_PORT="$(free_port)"
cat >"$WORK/litellm.yaml" <<YAML
model_list:
  - model_name: bridge
    litellm_params:
      model: hosted_vllm/gpt-4o-mini
      api_base: http://127.0.0.1:$LLMOCK_PORT/v1
      api_key: sk-compat-upstream
  - model_name: pass
    litellm_params:
      model: openai/gpt-4o-mini
      api_base: http://127.0.0.1:$LLMOCK_PORT/v1
      api_key: sk-compat-upstream
general_settings:
  master_key: sk-compat-litellm-master
YAML
# The cost map from the package, not the network; no telemetry.
LITELLM_LOCAL_MODEL_COST_MAP=True LITELLM_TELEMETRY=False \
  "$VENV/bin/litellm" --config "$WORK/litellm.yaml" --host 127.0.0.1 --port "$LITELLM_PORT" \
  >"$WORK/litellm.log" 2>&1 &
pids+=($!)

wait_for llmock "http://127.0.0.1:$LLMOCK_PORT/health" 60 "$WORK/llmock.log"
wait_for aimock "http://127.0.0.1:$AIMOCK_PORT/health" 60 "$WORK/aimock.log"
wait_for "LiteLLM proxy" "http://127.0.0.1:$LITELLM_PORT/health/liveliness" 180 "$WORK/litellm.log"

LLMOCK="http://127.0.0.1:$LLMOCK_PORT"
cat >"$WORK/servers.json" <<JSON
[
  { "name": "llmock $LLMOCK_VERSION", "base_url": "$LLMOCK/v1", "key": "sk-compat",
    "model": "gpt-4o-mini", "scripting": "llmock", "backend": "$LLMOCK" },
  { "name": "aimock $AIMOCK_VERSION", "base_url": "http://127.0.0.1:$AIMOCK_PORT/v1",
    "key": "sk-compat", "model": "gpt-4o-mini", "scripting": "fixtures" },
  { "name": "LiteLLM $LITELLM_VERSION → chat completions", "base_url": "http://127.0.0.1:$LITELLM_PORT/v1",
    "key": "sk-compat-litellm-master", "model": "bridge", "scripting": "llmock",
    "backend": "$LLMOCK", "proxy": true },
  { "name": "LiteLLM $LITELLM_VERSION → Responses pass-through", "base_url": "http://127.0.0.1:$LITELLM_PORT/v1",
    "key": "sk-compat-litellm-master", "model": "pass", "scripting": "llmock",
    "backend": "$LLMOCK", "proxy": true }
]
JSON

cargo run --locked --quiet -p halley-compat -- --servers "$WORK/servers.json" \
  --out "$ROOT/docs/compatibility.md"
