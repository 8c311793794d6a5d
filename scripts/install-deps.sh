#!/usr/bin/env bash
# Installs every Debian package Spillway needs to build, run and test.
# Idempotent and quick when everything is present; works as root or via sudo.
# Usage: scripts/install-deps.sh
set -euo pipefail

packages=(
    # build
    build-essential cmake ninja-build pkg-config git file dpkg-dev desktop-file-utils
    # Qt 6 and QCustomPlot (Qt6 build)
    qt6-base-dev qt6-base-dev-tools libqt6sql6-sqlite libqt6svg6 qt6-qpa-plugins
    libqcustomplot-dev libqcustomplot2.1-qt6
    # Kafka on-disk format: compression codecs
    zlib1g-dev libzstd-dev liblz4-dev libsnappy-dev
    # Kafka clients used by tests and the lab
    librdkafka-dev kcat python3-kafka
    # the lab's disks: spillway-labfs (FUSE 3)
    fuse3 libfuse3-dev
    # the operation journal (SQLite C API)
    libsqlite3-dev
    # tests, fuzzing, screenshots
    catch2 clang libclang-rt-14-dev xvfb xauth x11-apps imagemagick
)

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all ${#packages[@]} packages present"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
else
    echo "install-deps: missing packages (${missing[*]}) and not root; install them or run with sudo" >&2
    exit 2
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
