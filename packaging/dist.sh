#!/usr/bin/env bash
# `./x dist`: every installer this machine can make, in target/dist/ —
# Linux .deb and .rpm (release build, Tauri's bundler), the Windows
# halley.exe cross-built with mingw-w64 beside its WebView2Loader.dll, and a
# Windows setup .exe from packaging/windows/halley.nsi (Debian's makensis),
# checked by a silent install under wine. AppImage, MSI and macOS come from
# the release workflow: docs/release.md says why.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT=target/dist
WINDOWS_TARGET=x86_64-pc-windows-gnu

log() { printf '\033[1;34m[dist]\033[0m %s\n' "$*" >&2; }
version="$(sed -n 's/^  "version": "\(.*\)",$/\1/p' tauri.conf.json)"
[ -n "$version" ] || { echo "no version in tauri.conf.json" >&2; exit 1; }
started=$SECONDS
rm -rf "$OUT"
mkdir -p "$OUT"

# Updater artifacts are signed with the release key, which only CI holds; a
# local build without it makes the same installers, unsigned for the updater.
tauri_config=()
if [ -z "${TAURI_SIGNING_PRIVATE_KEY:-}" ]; then
  tauri_config=(--config '{"bundle":{"createUpdaterArtifacts":false}}')
fi

log "Linux: release build, .deb and .rpm"
step=$SECONDS
ui/node_modules/.bin/tauri build --ci --bundles deb,rpm "${tauri_config[@]}"
cp "target/release/bundle/deb/Halley_${version}_amd64.deb" "target/release/bundle/rpm/Halley-${version}-1.x86_64.rpm" "$OUT/"
log "Linux packages in $((SECONDS - step)) s"

log "Windows: halley.exe for $WINDOWS_TARGET (cold: about 20 minutes on 2 cores)"
step=$SECONDS
cargo build --locked --release --target "$WINDOWS_TARGET" --features custom-protocol --bin halley --bin halley-cli
built="target/$WINDOWS_TARGET/release"
mkdir -p "$OUT/windows"
cp "$built/halley.exe" "$built/halley-cli.exe" "$built/WebView2Loader.dll" "$OUT/windows/"
log "Windows build in $((SECONDS - step)) s"

log "Windows: setup .exe (makensis)"
setup="$OUT/Halley_${version}_x64-setup.exe"
makensis -V2 -WX -DVERSION="$version" -DSRCDIR="$ROOT/$OUT/windows" -DOUTFILE="$ROOT/$setup" \
  -DICON="$ROOT/icons/icon.ico" -DLICENSE="$ROOT/LICENSE" packaging/windows/halley.nsi
log "Windows: silent install under wine"
tests/wine/installer.sh "$setup" "$OUT/windows"

sums="$(cd "$OUT" && find . -type f | sort | xargs sha256sum)"
echo "$sums" >"$OUT/SHA256SUMS"
log "done in $((SECONDS - started)) s:"
(cd "$OUT" && find . -type f -printf '%s\t%p\n' | sort -k2 | awk -F'\t' '{printf "  %6.1f MB  %s\n", $1 / 1048576, $2}') >&2
