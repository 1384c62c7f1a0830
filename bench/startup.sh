#!/usr/bin/env bash
# Start-up time of the release app under a virtual X display: from exec to
# (1) the "Halley" window being mapped and (2) the first paint of the page
# (the window's pixels stop being one flat colour). Each run gets a fresh,
# empty HALLEY_DATA_DIR (first-run state: no conversations, no providers).
#
#   bench/startup.sh [path/to/halley] [runs]     # default runs: 5
#
# Build first (see docs/performance.md):
#   (cd ui && npm run build) && cargo build --release --features custom-protocol --bin halley
# Needs xvfb-run, dbus-run-session, xdotool, ImageMagick (`import`).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${1:-${CARGO_TARGET_DIR:-$root/target}/release/halley}"
runs="${2:-5}"
[ -x "$bin" ] || { echo "no app binary at $bin; build it first" >&2; exit 1; }

one_run() {
  xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- bash -c '
    bin="$1"
    data="$(mktemp -d)"
    now() { date +%s%N; }
    start=$(now)
    HALLEY_DATA_DIR="$data" "$bin" >/dev/null 2>&1 &
    app=$!
    win=$(timeout 60 xdotool search --sync --onlyvisible --name "^Halley$" | head -n1)
    mapped=$(now)
    # First paint: poll the window until it holds more than a few colours
    # (an unpainted webview is one flat colour). Each poll takes ~30-80 ms,
    # which bounds the resolution of this figure.
    painted=""
    for _ in $(seq 1 400); do
      colours=$(import -silent -window "$win" -format "%k" info: 2>/dev/null || echo 0)
      if [ "${colours:-0}" -gt 8 ]; then painted=$(now); break; fi
    done
    kill "$app" 2>/dev/null || true
    wait "$app" 2>/dev/null || true
    rm -rf "$data"
    echo "$(( (mapped - start) / 1000000 )) $(( ${painted:-0} > 0 ? (painted - start) / 1000000 : -1 ))"
  ' sh "$bin"
}

maps=()
paints=()
for i in $(seq 1 "$runs"); do
  read -r mapped painted < <(one_run)
  echo "run $i: window mapped after ${mapped} ms, first paint after ${painted} ms" >&2
  maps+=("$mapped")
  paints+=("$painted")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
echo "median of $runs: window mapped ${maps[*]} -> $(median "${maps[@]}") ms; first paint ${paints[*]} -> $(median "${paints[@]}") ms"
