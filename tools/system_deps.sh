#!/bin/sh
# What `make test` needs that pip cannot install: Debian's `chromium` (the browser tests and
# `make pdf` drive it; Playwright's own browser download cannot work on a closed network) and
# `redis-server` (the drills run a real one). Run by `make test` before anything else:
#   - both there: nothing to do;
#   - missing, and this user is root or has sudo without a password: apt-get installs them;
#   - otherwise: one sentence and the one command to run, exit 2, before any test runs.
# Overrides (for the tests of this script and unusual machines): CHROMIUM (the browser's
# path), REDIS_SERVER (the command), APT_GET (the installer), SUDO (the sudo command).
set -u

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
REDIS_SERVER=${REDIS_SERVER:-redis-server}
APT_GET=${APT_GET:-apt-get}
SUDO=${SUDO:-sudo}

missing() {
    [ -x "$CHROMIUM" ] || printf '%s ' chromium
    command -v "$REDIS_SERVER" >/dev/null 2>&1 || printf '%s ' redis-server
}

packages=$(missing)
[ -z "$packages" ] && exit 0

if [ "$(id -u)" = 0 ]; then
    as_root=""
elif command -v "$SUDO" >/dev/null 2>&1 && "$SUDO" -n true 2>/dev/null; then
    as_root="$SUDO"
else
    echo "make test needs ${packages% } (Debian packages pip cannot install), and this user can"
    echo "neither install them (not root, no sudo without a password). Run, then make test again:"
    echo ""
    echo "    sudo apt-get install -y ${packages% }"
    exit 2
fi

echo "make test: installing ${packages% } (Debian packages pip cannot install)"
# shellcheck disable=SC2086  # $as_root is empty or one word; $packages is a word list
$as_root "$APT_GET" update -qq &&
    $as_root env DEBIAN_FRONTEND=noninteractive "$APT_GET" install -y -qq $packages >/dev/null
still=$(missing)
if [ -n "$still" ]; then
    echo "make test: ${still% } still missing after apt-get install; install it by hand:"
    echo ""
    echo "    sudo apt-get install -y ${still% }"
    exit 2
fi
