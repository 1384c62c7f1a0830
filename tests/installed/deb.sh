#!/usr/bin/env bash
# The installed-copy smoke test: bundles the app (already built by run-all.sh's
# "build: app + mock" step, debug profile, custom-protocol) as a .deb, checks
# its control data and file list, installs it with apt-get as a user would,
# checks the desktop entry and icons, starts the installed /usr/bin/halley
# under Xvfb with a fresh data folder and a real keyring and sees the
# first-run screen (artifacts/installed/), then removes the package.
#
#   tests/installed/deb.sh            bundle target/debug/halley and test that (./x test)
#   tests/installed/deb.sh PKG.deb    test a built package, e.g. ./x dist's release one
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
ARTIFACTS="${ARTIFACTS:-$ROOT/artifacts}/installed"
mkdir -p "$ARTIFACTS"

checks=0
fail() { echo "FAIL: $*" >&2; exit 1; }
check() { echo "ok: $*"; checks=$((checks + 1)); }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

version="$(sed -n 's/^  "version": "\(.*\)",$/\1/p' tauri.conf.json)"
[ -n "$version" ] || fail "no version in tauri.conf.json"

# Bundling reuses target/debug/halley: the real app, without a second
# (release, minutes) build. `./x dist` makes the release packages.
bundle_debug_deb() {
  # `tauri bundle` also patches the bundle type into the binary it packs: put
  # target/debug/halley back as the end-to-end tests and the next run expect it.
  local app=target/debug/halley saved bundled=0
  [ -x "$app" ] || fail "$app is missing: build it first (cargo build --features custom-protocol --bin halley)"
  saved="$(mktemp)"
  cp -p "$app" "$saved"
  ui/node_modules/.bin/tauri bundle --debug --bundles deb >"$ARTIFACTS/bundle.log" 2>&1 && bundled=1
  cp -p "$saved" "$app"
  rm -f "$saved"
  [ "$bundled" = 1 ] || { tail -20 "$ARTIFACTS/bundle.log" >&2; fail "tauri bundle failed"; }
  echo "$ROOT/target/debug/bundle/deb/Halley_${version}_amd64.deb"
}

if [ $# -ge 1 ]; then
  deb="$(realpath "$1")"
else
  deb="$(bundle_debug_deb)"
fi
[ -f "$deb" ] || fail "no package at $deb"
check "package $deb ($(du -h "$deb" | cut -f1))"

# --- control data: what apt and a distribution's reviewers read ---
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = halley ] || fail "Package is '$(field Package)'"
[ "$(field Version)" = "$version" ] || fail "Version is '$(field Version)', tauri.conf.json says $version"
[ "$(field Architecture)" = amd64 ] || fail "Architecture is '$(field Architecture)'"
[[ "$(field Maintainer)" =~ ^[^\<]+\ \<[^@\>]+@[^\>]+\>$ ]] || fail "Maintainer has no contact: '$(field Maintainer)'"
check "Package, Version, Architecture; Maintainer with a contact ($(field Maintainer))"
depends="$(field Depends)"
for dep in libwebkit2gtk-4.1-0 libgtk-3-0; do
  [[ ", $depends," == *", $dep"[\ ,]* ]] || fail "Depends lacks $dep: $depends"
done
check "Depends: $depends"
[[ "$(field Recommends)" == *gnome-keyring* ]] || fail "Recommends lacks gnome-keyring (Secret Service): '$(field Recommends)'"
check "Recommends: $(field Recommends)"
[ "$(field Section)" = net ] || fail "Section is '$(field Section)'"
description="$(field Description)"
if [ "$(wc -l <<<"$description")" -lt 2 ] || [ "${#description}" -lt 300 ]; then
  fail "Description needs a synopsis and a long description: $description"
fi
check "Section net; Description with a long text (${#description} characters)"

# --- file list ---
files="$(dpkg-deb -c "$deb" | awk '{print $NF}' | sed 's|^\./|/|; s|^\([^/]\)|/\1|')"
has() { grep -qxF "$1" <<<"$files" || fail "the package lacks $1"; }
has /usr/bin/halley
has /usr/bin/halley-cli
has /usr/share/applications/Halley.desktop
has /usr/share/doc/halley/copyright
for size in 32 64 128 256 512; do has "/usr/share/icons/hicolor/${size}x${size}/apps/halley.png"; done
if grep -q '@2' <<<"$files"; then fail "a non-standard hicolor folder: $(grep '@2' <<<"$files")"; fi
check "binaries (halley, halley-cli), desktop entry, hicolor icons 32..512 and no @2 folder"

# --- install, as a user would; a previous run may have left it installed ---
if dpkg-query -W -f='${Status}' halley 2>/dev/null | grep -q "install ok installed"; then
  echo "note: halley was installed (a previous run?); removing it first"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq halley >/dev/null
fi
remove() { as_root env DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq halley >/dev/null 2>&1 || true; }
trap remove EXIT
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$deb" >"$ARTIFACTS/apt.log" 2>&1 ||
  { cat "$ARTIFACTS/apt.log"; fail "apt-get install ./$(basename "$deb") failed"; }
dpkg-query -W -f='${Status}' halley | grep -q "install ok installed" || fail "dpkg does not list halley as installed"
check "apt-get install ./$(basename "$deb") (Installed-Size $(field Installed-Size) KiB)"
grep -q '^License: MIT$' /usr/share/doc/halley/copyright || fail "no MIT licence in /usr/share/doc/halley/copyright"
check "licence in /usr/share/doc/halley/copyright"

# --- desktop entry ---
desktop=/usr/share/applications/Halley.desktop
desktop-file-validate "$desktop" || fail "desktop-file-validate rejects $desktop"
entry() { sed -n "s/^$1=//p" "$desktop"; }
[ "$(entry Name)" = Halley ] || fail "Name=$(entry Name)"
[ "$(entry Exec)" = halley ] || fail "Exec=$(entry Exec)"
command -v "$(entry Exec)" | grep -qx /usr/bin/halley || fail "Exec does not resolve to /usr/bin/halley"
[ "$(entry Icon)" = halley ] || fail "Icon=$(entry Icon)"
[[ "$(entry Categories)" == *Network*Chat* ]] || fail "Categories=$(entry Categories)"
[[ "$(entry Keywords)" == *OpenAI* ]] || fail "Keywords=$(entry Keywords)"
[ -n "$(sed -n 's/^Keywords\[vi\]=//p' "$desktop")" ] || fail "no Vietnamese Keywords"
if grep -q '^MimeType=' "$desktop"; then fail "MimeType set, but Halley opens no files"; fi
check "desktop entry valid: Name, Exec, Icon, Categories, Keywords (en, vi), no MimeType"
for size in 32 64 128 256 512; do
  icon="/usr/share/icons/hicolor/${size}x${size}/apps/halley.png"
  [ "$(identify -format '%wx%h' "$icon")" = "${size}x${size}" ] || fail "$icon is $(identify -format '%wx%h' "$icon")"
done
check "each hicolor icon has the size of its folder"

# --- the installed binary, started from its installed path ---
HALLEY_E2E_APP=/usr/bin/halley ARTIFACTS="$ARTIFACTS" \
  xvfb-run -a -s "-screen 0 1280x800x24" tests/with-keyring.sh \
  node --test --test-timeout=300000 tests/installed/first-run.test.mjs ||
  fail "the installed binary did not show the first-run screen"
check "installed /usr/bin/halley showed the first-run screen ($ARTIFACTS/e2e/installed-first-run.png)"

remove
trap - EXIT
dpkg-query -W -f='${Status}' halley 2>/dev/null | grep -q "install ok installed" && fail "apt-get remove left halley installed"
[ ! -e /usr/bin/halley ] || fail "/usr/bin/halley is still there after apt-get remove"
check "apt-get remove halley"
echo "installed copy: $checks passed, 0 failed"
