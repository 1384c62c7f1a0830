#!/usr/bin/env bash
# The halley-responses and halley-core test suites built for Windows
# (x86_64-pc-windows-gnu, mingw-w64) and run under wine: SQLite, paths, the
# HTTP client against loopback servers and the keyring through wine's
# Credential Manager, as the Windows build uses them. Called by run-all.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
TARGET=x86_64-pc-windows-gnu

# Built before the prefix exists: the build is the slow part (cold about
# 5 minutes per crate on 2 cores) and needs no wine.
cargo test --locked --target "$TARGET" -p halley-responses -p halley-core --no-run

# shellcheck source=tests/wine/prefix.sh
source tests/wine/prefix.sh
wine_prefix_init
# One wineserver for all test .exe files instead of one each.
wineserver -p >/dev/null 2>&1
# The recorded corpus is read through wine's Z: drive, where the Unix path
# resolves as it does on Linux.
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=wine
# The chat tool-loop checks (halley-core's tests/core/tools.rs) start the npm
# MCP server-everything with Node, which the wine prefix has no Windows build
# of: they run natively in the Rust suite, and are said here as not run.
echo "NOT RUN under wine: halley-core tools::* (they need Node for the npm MCP server; run natively by the Rust suite)" >&2
cargo test --locked --target "$TARGET" -p halley-responses -p halley-core --no-fail-fast \
  -- --skip tools::
