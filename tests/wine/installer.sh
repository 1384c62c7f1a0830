#!/usr/bin/env bash
# Installs a Halley setup .exe silently under wine and checks what a Windows
# user gets: both program files, byte for byte; the Start-menu and desktop
# shortcuts; the Add/Remove Programs entry; then uninstalls silently and checks
# that the program is gone and the history is still there.
#
#   tests/wine/installer.sh SETUP.EXE SRCDIR   check a built installer (./x dist)
#   tests/wine/installer.sh                    build one from packaging/windows/halley.nsi
#                                              with stand-in program files (./x test)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

fail() { echo "FAIL: $*" >&2; exit 1; }
check() { echo "ok: $*"; checks=$((checks + 1)); }
checks=0

# shellcheck source=tests/wine/prefix.sh
source tests/wine/prefix.sh

if [ $# -ge 2 ]; then
  setup="$1"
  src="$2"
else
  # Stand-ins: the script's behaviour does not depend on what the files hold,
  # and the real halley.exe takes 20 minutes to cross-build.
  src="$WINE_SCRATCH/src"
  mkdir -p "$src"
  head -c 300000 /dev/urandom >"$src/halley.exe"
  head -c 200000 /dev/urandom >"$src/halley-cli.exe"
  head -c 150000 /dev/urandom >"$src/WebView2Loader.dll"
  setup="$WINE_SCRATCH/Halley_test_x64-setup.exe"
  version="$(sed -n 's/^  "version": "\(.*\)",$/\1/p' tauri.conf.json)"
  makensis -V2 -WX -DVERSION="$version" -DSRCDIR="$src" -DOUTFILE="$setup" \
    -DICON="$ROOT/icons/icon.ico" -DLICENSE="$ROOT/LICENSE" packaging/windows/halley.nsi >/dev/null
  check "makensis compiled packaging/windows/halley.nsi without warnings"
fi
[ -f "$setup" ] || fail "no installer at $setup"

wine_prefix_init
# Registered as present, so the installer takes the "runtime found" path: the
# other path downloads Microsoft's bootstrapper, which a test must not do.
wine reg add 'HKCU\Software\Microsoft\EdgeUpdate\Clients\{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}' \
  /v pv /t REG_SZ /d 120.0.2210.91 /f >/dev/null 2>&1

wine "$setup" /S
wineserver -w
profile="$(wine_profile)"
installed="$profile/AppData/Local/Halley"
for file in halley.exe halley-cli.exe WebView2Loader.dll; do
  cmp -s "$src/$file" "$installed/$file" || fail "$file is not installed as built (looked in $installed)"
done
check "halley.exe, halley-cli.exe and WebView2Loader.dll installed byte for byte in %LOCALAPPDATA%\\Halley"
if [ $# -ge 2 ]; then
  # The real console program prints to the terminal (a GUI halley.exe could not).
  printed="$(wine "$installed/halley-cli.exe" --version 2>/dev/null | tr -d '\r')"
  [ "$printed" = "halley-cli $(sed -n 's/^  "version": "\(.*\)",$/\1/p' tauri.conf.json)" ] ||
    fail "halley-cli.exe --version printed: $printed"
  check "halley-cli.exe prints its version to the console"
fi
[ -f "$installed/uninstall.exe" ] || fail "no uninstaller"
check "uninstall.exe written"
start_menu="$profile/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/Halley.lnk"
[ -f "$start_menu" ] || fail "no Start-menu shortcut at $start_menu"
grep -aq 'halley.exe' "$start_menu" || fail "the Start-menu shortcut does not point at halley.exe"
check "Start-menu shortcut to halley.exe"
[ -f "$HOME/Halley.lnk" ] || [ -f "$profile/Desktop/Halley.lnk" ] || fail "no desktop shortcut"
check "desktop shortcut"
entry="$(wine reg query 'HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\Halley' 2>/dev/null | tr -d '\r')"
grep -q 'DisplayName *REG_SZ *Halley$' <<<"$entry" || fail "no Add/Remove Programs entry: $entry"
grep -q 'UninstallString *REG_SZ *"C:.*uninstall.exe"$' <<<"$entry" || fail "no uninstall command: $entry"
check "Add/Remove Programs entry with DisplayName and UninstallString"

# A user's history, as the app leaves it (tauri's app_data_dir on Windows).
history="$profile/AppData/Roaming/app.halley.desktop"
mkdir -p "$history"
echo "conversations" >"$history/history.sqlite3"

wine "$installed/uninstall.exe" /S
wineserver -w
for left in "$installed/halley.exe" "$installed/halley-cli.exe" "$installed/WebView2Loader.dll" "$start_menu" "$HOME/Halley.lnk"; do
  [ ! -e "$left" ] || fail "the uninstaller left $left"
done
if wine reg query 'HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\Halley' >/dev/null 2>&1; then
  fail "the uninstaller left the Add/Remove Programs entry"
fi
check "silent uninstall removed the program, shortcuts and entry"
[ "$(cat "$history/history.sqlite3")" = "conversations" ] || fail "the uninstaller removed the history"
check "the history in %APPDATA%\\app.halley.desktop survives the uninstall"
echo "installer under wine: $checks passed, 0 failed"
