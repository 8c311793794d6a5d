#!/usr/bin/env bash
# The README's test command: installs what is needed, builds everything with
# warnings as errors, and runs every registered test. A build that registers
# no test fails (ctest --no-tests=error).
# Usage: scripts/test.sh [extra cmake args...]   (env: BUILD_DIR, SPILLWAY_SANITIZE)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

build_dir="${BUILD_DIR:-build}"
generator=()
command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)

cmake -S . -B "$build_dir" "${generator[@]}" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSPILLWAY_WERROR=ON \
    -DSPILLWAY_SANITIZE="${SPILLWAY_SANITIZE:-}" \
    "$@"
cmake --build "$build_dir" --parallel "$(nproc)"
ctest --test-dir "$build_dir" --no-tests=error --output-on-failure --parallel "$(nproc)"
