#!/usr/bin/env bash
# Builds the .deb with CPack into a temp dir, checks its metadata (shlibdeps
# found the Qt libraries; desktop entry and icon are in it), extracts it
# (dpkg -x, without touching the system) and runs the packaged binaries.
# Usage: deb_package_test.sh <build dir>
set -euo pipefail
build_dir="$1"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

(cd "$build_dir" && cpack -G DEB -B "$tmp/out" >"$tmp/cpack.log" 2>&1) || { cat "$tmp/cpack.log"; exit 1; }
deb="$(ls "$tmp"/out/spillway_*.deb)"
info="$(dpkg-deb -I "$deb")"
contents="$(dpkg-deb -c "$deb")"

fail() { echo "FAIL: $*"; echo "$info"; exit 1; }
grep -q "^ Package: spillway$" <<<"$info" || fail "package name"
grep -q "^ Depends:.*libqt6widgets6" <<<"$info" || fail "shlibdeps did not add libqt6widgets6"
grep -q "^ Depends:.*libqcustomplot2.1-qt6" <<<"$info" || fail "shlibdeps did not add QCustomPlot"
grep -q "^ Depends:.*libqt6sql6-sqlite" <<<"$info" || fail "SQLite driver dependency missing"
grep -q "usr/share/applications/spillway.desktop" <<<"$contents" || fail "desktop entry missing"
grep -q "usr/share/icons/hicolor/scalable/apps/spillway.svg" <<<"$contents" || fail "icon missing"

dpkg -x "$deb" "$tmp/root"
if command -v desktop-file-validate >/dev/null 2>&1; then
    desktop-file-validate "$tmp/root/usr/share/applications/spillway.desktop"
fi
env -u DISPLAY -u WAYLAND_DISPLAY "$tmp/root/usr/bin/spillway" --version | grep -q "^spillway " || fail "spillway --version"
"$tmp/root/usr/bin/spillway-cli" --version | grep -q "^spillway-cli " || fail "spillway-cli --version"
echo "deb package ok: $(basename "$deb")"
