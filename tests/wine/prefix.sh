# shellcheck shell=bash
# Sourced by the wine tests: a private, throwaway wine prefix with the
# ProcessPrng stub (bcryptprimitives.c) in its system32, removed on exit.
# Sets WINEPREFIX and HOME (wine links the prefix's Desktop and Documents to
# $HOME and writes menu entries there: never the user's own).

WINE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
WINE_SCRATCH="$(mktemp -d "${TMPDIR:-/tmp}/halley-wine-XXXXXX")"
export WINEPREFIX="$WINE_SCRATCH/prefix"
# rustup and cargo find their homes through $HOME unless told.
export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}" CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
export HOME="$WINE_SCRATCH/home"
export WINEARCH=win64
export WINEDEBUG=-all
# No Mono/Gecko install prompts (they would download), no desktop menus.
export WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d;bcryptprimitives=n"
mkdir -p "$HOME"

wine_cleanup() {
  wineserver -k >/dev/null 2>&1 || true
  wineserver -w >/dev/null 2>&1 || true
  rm -rf "$WINE_SCRATCH"
}
trap wine_cleanup EXIT

wine_prefix_init() {
  local start=$SECONDS
  wineboot --init >/dev/null 2>&1
  wineserver -w
  x86_64-w64-mingw32-gcc -O2 -shared -Wl,--kill-at -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
    "$WINE_DIR/bcryptprimitives.c" -ladvapi32
  echo "[wine] prefix ready in $((SECONDS - start)) s: $WINEPREFIX" >&2
}

# The Windows user's profile folder inside the prefix, as a Unix path.
wine_profile() { find "$WINEPREFIX/drive_c/users" -mindepth 1 -maxdepth 1 -type d ! -name Public | head -1; }
