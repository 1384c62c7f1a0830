#!/bin/sh
# Runs the end-to-end suite (or the test files given) under a virtual X
# display, a private D-Bus session and an unlocked gnome-keyring, so the app
# stores keys in a real Secret Service. From the repository root:
#   CARGO_TARGET_DIR=/work/main/target tests/e2e/run.sh [tests/e2e/chat.test.mjs]
cd "$(dirname "$0")/../.." || exit 1
[ $# -eq 0 ] && set -- tests/e2e/
# A private keyring folder: gnome-keyring then creates a login keyring with
# our password. An existing ~/.local/share/keyrings/login.keyring with another
# password would make it prompt, and the app would wait on that prompt forever.
XDG_DATA_HOME=$(mktemp -d /tmp/halley-e2e-xdg-XXXXXX)
export XDG_DATA_HOME
exec xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- sh -c '
  echo -n halley-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
  exec node --test --test-concurrency=1 "$@"' sh "$@"
