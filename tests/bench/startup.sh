#!/usr/bin/env bash
# Start-up time of the release app under a virtual X display: from exec to
# (1) the "Halley" window being mapped and (2) the first paint of the page
# (the window's pixels stop being one flat colour). Each run gets a fresh,
# empty HALLEY_DATA_DIR (first-run state: the welcome screen) and a fresh,
# unlocked keyring in a private D-Bus session.
#
#   tests/bench/startup.sh [path/to/halley] [runs]     # default runs: 5
#
# Build first (see docs/performance.md):
#   (cd ui && npm run build) && cargo build --release --features custom-protocol --bin halley
# Needs xvfb-run, dbus-run-session, xdotool, ImageMagick (`import`).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin="${1:-${CARGO_TARGET_DIR:-$root/target}/release/halley}"
runs="${2:-5}"
[ -x "$bin" ] || { echo "no app binary at $bin; build it first" >&2; exit 1; }

one_run() {
  # A fresh XDG_DATA_HOME gives gnome-keyring a new login keyring we can
  # unlock (an existing one with another password would pop a prompt).
  local keyrings
  keyrings="$(mktemp -d)"
  XDG_DATA_HOME="$keyrings" xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- bash -c '
    bin="$1"
    # An unlocked keyring, as on a desktop session (otherwise the first
    # keyring access pops an "Unlock" prompt over the app), like tests/e2e.
    echo -n halley-bench | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
    data="$(mktemp -d)"
    now() { date +%s%N; }
    start=$(now)
    HALLEY_DATA_DIR="$data" "$bin" >/dev/null 2>&1 &
    app=$!
    win=""
    for _ in $(seq 1 3000); do  # up to ~60 s, polling every ~10-20 ms
      win=$(xdotool search --onlyvisible --name "^Halley$" 2>/dev/null | head -n1)
      [ -n "$win" ] && break
      sleep 0.01
    done
    mapped=$(now)
    [ -n "$win" ] || { kill "$app"; echo "STARTUP -1 -1"; exit 0; }
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
    echo "STARTUP $(( (mapped - start) / 1000000 )) $(( ${painted:-0} > 0 ? (painted - start) / 1000000 : -1 ))"
  ' sh "$bin"
  rm -rf "$keyrings"
}

maps=()
paints=()
for i in $(seq 1 "$runs"); do
  read -r _ mapped painted < <(one_run 2>/dev/null | grep "^STARTUP")
  echo "run $i: window mapped after ${mapped} ms, first paint after ${painted} ms" >&2
  maps+=("$mapped")
  paints+=("$painted")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
echo "median of $runs: window mapped ${maps[*]} -> $(median "${maps[@]}") ms; first paint ${paints[*]} -> $(median "${paints[@]}") ms"
