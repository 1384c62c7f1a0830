#!/usr/bin/env bash
# Runs only the end-to-end tests (all, or the files given), as ./x test does:
# under Xvfb with a real, unlocked gnome-keyring. Build the UI, the app
# (--features custom-protocol), halley-mock and halley-mcp-test-server first.
# Each test has its own 3-minute limit (lib/harness.mjs); --test-timeout is
# the limit for a whole file, which node applies to each file as a test.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
[ $# -gt 0 ] || set -- tests/e2e/
exec xvfb-run -a -s "-screen 0 1280x800x24" tests/with-keyring.sh node --test --test-concurrency=1 --test-timeout=900000 "$@"
