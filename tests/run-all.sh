#!/usr/bin/env bash
# Runs every kind of test Halley has, in order, and keeps going after a failed
# suite so one run shows everything that is wrong. Called by `./x test` (after
# set-up) and therefore by .ci/run. Exit status: 0 only when every suite passed.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export ARTIFACTS="${ARTIFACTS:-$ROOT/artifacts}"
mkdir -p "$ARTIFACTS"
export HALLEY_CORPUS="${HALLEY_CORPUS:-$ROOT/../shared/fixtures/responses/cases}"
export HALLEY_PYTHON="${HALLEY_PYTHON:-$ROOT/target/py-venv/bin/python}"
# Tests that need the recorded corpus or a real keyring fail here instead of
# passing with a notice: `./x test` runs them exactly as CI does.
export HALLEY_STRICT_TESTS=1

passed=0
failed=0
failed_names=()

suite() { # name, command...
  local name="$1"
  shift
  printf '\n\033[1;34m==> %s\033[0m\n' "$name"
  local start=$SECONDS
  if "$@"; then
    passed=$((passed + 1))
    printf '\033[1;32m<== %s passed (%ss)\033[0m\n' "$name" $((SECONDS - start))
  else
    failed=$((failed + 1))
    failed_names+=("$name")
    printf '\033[1;31m<== %s FAILED (%ss)\033[0m\n' "$name" $((SECONDS - start))
  fi
}

# The app embeds ui/dist at compile time, so the UI is built before any cargo step.
suite "build: ui" bash -c 'cd ui && npm run --silent build'
suite "rustfmt" cargo fmt --all --check
# Advisories need the RustSec database (a git repository this machine cannot
# fetch): CI checks them; here the licences, duplicates and sources.
suite "cargo deny (licences, bans, sources)" cargo deny --locked check licenses bans sources
suite "clippy" cargo clippy --workspace --all-targets --features halley/custom-protocol --locked -- -D warnings
suite "rust tests (workspace, real keyring)" tests/with-keyring.sh cargo nextest run --workspace --features halley/custom-protocol --locked --no-fail-fast
# libFuzzer targets (src-tauri/fuzz), 10 s each: a minute in all, plus a cold sanitizer build.
suite "fuzz (rustfmt, 5 targets x 10 s)" bash -c 'cargo fmt --manifest-path src-tauri/fuzz/Cargo.toml --check && src-tauri/fuzz/run.sh 10'
suite "compatibility: llmock, aimock, LiteLLM (docs/compatibility.md)" timeout 900 tests/compat/run.sh
suite "windows: crate tests under wine" tests/wine/crate-tests.sh
suite "windows: installer under wine" tests/wine/installer.sh
suite "ui: svelte-check" bash -c 'cd ui && npm run --silent check'
suite "ui: eslint + prettier" bash -c 'cd ui && npm run --silent lint'
suite "ui: unit tests (vitest)" bash -c 'cd ui && npm test --silent'
suite "workflows: actionlint + shellcheck" tests/workflows/lint.sh
# ./x bench's own pieces (statistics, /proc reading, the report); no app, no figures.
suite "bench harness (unit tests)" node --test tests/bench/lib.test.mjs
suite "build: app + mock" bash -c 'cargo build --locked --features custom-protocol --bin halley && cargo build --locked -p halley-mock --bin halley-mock && cargo build --locked -p halley-mcp --bin halley-mcp-test-server'
suite "installed copy: .deb (apt-get install, first run)" timeout 900 tests/installed/deb.sh
# Each test may take 3 minutes and the suite 25: a hung webview fails the run
# with the name of its test instead of eating CI's time.
suite "end to end (real app, Xvfb, WebDriver, real keyring)" \
  timeout 1500 tests/e2e/run.sh

echo
if [[ " ${failed_names[*]:-} " == *"end to end"* ]]; then
  # What the harness noted about starting and stopping each app, with times:
  # a slow start or teardown is found here without the artifacts folder.
  echo "End-to-end harness notes:"
  grep -h "^\[e2e " "$ARTIFACTS"/e2e/*.log 2>/dev/null | sort | tail -60 || true
fi
echo "Artifacts (screenshots, logs): $ARTIFACTS"
if [ "$failed" -gt 0 ]; then
  echo "Failed suites: ${failed_names[*]}"
fi
echo "suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
