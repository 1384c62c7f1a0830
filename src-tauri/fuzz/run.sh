#!/usr/bin/env bash
# Runs every fuzz target (or those named) for SECONDS each, with a memory
# cap and an input-size cap so a growth bug is found, and prints how many
# executions each did. Used by `./x fuzz [SECONDS]` (long) and by
# tests/run-all.sh (short).
#
#   src-tauri/fuzz/run.sh SECONDS [TARGET...]
#
# The corpus is seeded at run time from the hand-made seeds committed in
# seeds/<target>/ and from the recorded traffic (HALLEY_CORPUS, default
# ../shared/fixtures/responses/cases next to the repository); recordings are
# never copied into the repository. What libFuzzer adds to the corpus stays
# in target/fuzz-corpus/ (not committed) and is reused by the next run.
# A crash leaves its input under target/fuzz-artifacts/<target>/; turn it
# into a regression test in the crate's normal test suite.
set -euo pipefail

FUZZ="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$FUZZ/../.." && pwd)"
SECONDS_PER_TARGET="${1:-60}"
shift || true
ALL_TARGETS=(sse_reference decode_fold request_roundtrip fts_query import_json)
if [ $# -gt 0 ]; then TARGETS=("$@"); else TARGETS=("${ALL_TARGETS[@]}"); fi
CASES="${HALLEY_CORPUS:-$ROOT/../shared/fixtures/responses/cases}"
CORPUS_ROOT="$ROOT/target/fuzz-corpus"
ARTIFACTS_ROOT="$ROOT/target/fuzz-artifacts"
# 2 GiB: far above what any target needs (a few hundred MB with the
# sanitizer); a parser that buffers without bound hits it within seconds.
RSS_LIMIT_MB="${HALLEY_FUZZ_RSS_MB:-2048}"

log() { printf '\033[1;34m[fuzz]\033[0m %s\n' "$*" >&2; }

if ! cargo fuzz --version >/dev/null 2>&1; then
  log "installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi

# libFuzzer needs the sanitizer-coverage flags, which are unstable. On the
# stable toolchain RUSTC_BOOTSTRAP=1 unlocks them, so a fresh machine needs
# no nightly; set HALLEY_FUZZ_TOOLCHAIN=nightly to use a nightly instead.
TOOLCHAIN=()
if [ -n "${HALLEY_FUZZ_TOOLCHAIN:-}" ]; then
  TOOLCHAIN=("+$HALLEY_FUZZ_TOOLCHAIN")
else
  export RUSTC_BOOTSTRAP=1
fi

# Per target: the largest input worth trying (bigger inputs only slow it
# down; the limits themselves are tested in the crates' own tests).
max_len() {
  case "$1" in
    sse_reference | decode_fold) echo 65536 ;;
    request_roundtrip | import_json) echo 32768 ;;
    fts_query) echo 4096 ;;
  esac
}

seed() { # target corpus-dir
  local target="$1" dir="$2" case
  mkdir -p "$dir"
  cp -n "$FUZZ/seeds/$target/"* "$dir/" 2>/dev/null || true
  [ -d "$CASES" ] || { log "!!! no recorded cases at $CASES: seeding $target from the committed seeds only"; return 0; }
  for case in "$CASES"/*/; do
    local name
    name="$(basename "$case")"
    case "$target" in
      sse_reference | decode_fold)
        # 8 zero control bytes: the stream as recorded, in one chunk.
        [ -f "$case/response.sse" ] && [ ! -f "$dir/rec-$name" ] &&
          { head -c 8 /dev/zero; cat "$case/response.sse"; } >"$dir/rec-$name"
        ;;
      request_roundtrip)
        [ -f "$case/request.json" ] && cp -n "$case/request.json" "$dir/rec-$name.json"
        ;;
    esac
  done
  return 0
}

log "building the fuzz targets (cargo fuzz, address sanitizer)"
build_started=$(date +%s)
(cd "$FUZZ" && cargo "${TOOLCHAIN[@]}" fuzz build --fuzz-dir "$FUZZ" --release)
log "built in $(($(date +%s) - build_started)) s"

failed=()
for target in "${TARGETS[@]}"; do
  corpus="$CORPUS_ROOT/$target"
  artifacts="$ARTIFACTS_ROOT/$target"
  mkdir -p "$artifacts"
  seed "$target" "$corpus"
  log "$target: ${SECONDS_PER_TARGET} s, max_len $(max_len "$target"), rss limit ${RSS_LIMIT_MB} MB"
  logfile="$artifacts/last-run.log"
  if (cd "$FUZZ" && cargo "${TOOLCHAIN[@]}" fuzz run --fuzz-dir "$FUZZ" --release "$target" "$corpus" -- \
    -max_total_time="$SECONDS_PER_TARGET" -max_len="$(max_len "$target")" \
    -rss_limit_mb="$RSS_LIMIT_MB" -malloc_limit_mb="$RSS_LIMIT_MB" -timeout=10 \
    -artifact_prefix="$artifacts/" -print_final_stats=1) >"$logfile" 2>&1; then
    runs="$(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$logfile" | grep -o '[0-9]*$' || echo '?')"
    echo "fuzz $target: ok, $runs executions in ${SECONDS_PER_TARGET} s (corpus: $(ls "$corpus" | wc -l) inputs)"
  else
    echo "fuzz $target: FAILED (log: $logfile)"
    grep -E "panicked|ERROR: libFuzzer|SUMMARY|Test unit written" "$logfile" | head -20 || true
    failed+=("$target")
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz targets failed: ${failed[*]}"
  exit 1
fi
