#!/usr/bin/env bash
# Runs a command with a real Secret Service: gnome-keyring inside a private
# D-Bus session that ends with the command. The keyrings live in a fresh
# folder: an existing login keyring with another password would stay locked,
# and its unlock prompt would block every keyring call.
set -euo pipefail
XDG_DATA_HOME="$(mktemp -d "${TMPDIR:-/tmp}/halley-keyring-XXXXXX")"
export XDG_DATA_HOME
exec dbus-run-session -- sh -c 'echo -n halley-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec "$@"' sh "$@"
