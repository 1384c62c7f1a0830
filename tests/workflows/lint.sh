#!/usr/bin/env bash
# Lints .github/workflows with actionlint (installed by ./x set-up into
# target/actionlint-venv), which also runs shellcheck on every `run:` script.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
actionlint="target/actionlint-venv/bin/actionlint"
[ -x "$actionlint" ] || { echo "FAIL: $actionlint missing: run ./x setup" >&2; exit 1; }
command -v shellcheck >/dev/null || { echo "FAIL: shellcheck missing: run ./x setup" >&2; exit 1; }
"$actionlint" -version | head -1
files=(.github/workflows/*.yml)
"$actionlint" -no-color "${files[@]}"
echo "actionlint: ${#files[@]} passed, 0 failed"
# The packaging scripts, which CI runs but no other test reads.
shellcheck x packaging/*.sh tests/wine/*.sh tests/installed/*.sh tests/workflows/*.sh tests/compat/*.sh
