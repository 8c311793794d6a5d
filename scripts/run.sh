#!/usr/bin/env bash
# The README's run command: installs what is needed, builds, and starts the
# console. Extra arguments go to the console.
# Usage: scripts/run.sh [console args...]   (env: BUILD_DIR)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh >&2

build_dir="${BUILD_DIR:-build}"
generator=()
command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)

cmake -S . -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo >&2
cmake --build "$build_dir" --parallel "$(nproc)" --target spillway spillway-cli >&2

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
    echo "run: no display found (DISPLAY/WAYLAND_DISPLAY unset); starting the console under Xvfb" >&2
    exec xvfb-run -a -s "-screen 0 1600x1000x24" "$build_dir/app/spillway" "$@"
fi
exec "$build_dir/app/spillway" "$@"
