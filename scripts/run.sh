#!/usr/bin/env bash
# The README's run command: installs what is needed, builds, brings the lab
# up (one lab broker on small labfs disks with load; idempotent, and
# `spillway-cli lab down` stops it), and starts the console. Extra arguments
# go to the console.
# Usage: scripts/run.sh [console args...]   (env: BUILD_DIR, SPILLWAY_NO_LAB=1 to skip the lab)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh >&2

build_dir="${BUILD_DIR:-build}"
generator=()
command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)

cmake -S . -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo >&2
cmake --build "$build_dir" --parallel "$(nproc)" \
    --target spillway spillway-cli spillway-broker spillway-labfs spillway-loadgen >&2

if [ -z "${SPILLWAY_NO_LAB:-}" ]; then
    # The lab keeps running after the console closes, as a real cluster would.
    if ! "$build_dir/app/spillway-cli" lab up >&2; then
        echo "run: the lab did not come up (see above; e.g. --port if 9092 is taken:" \
             "$build_dir/app/spillway-cli lab up --port 19092); starting the console anyway" >&2
    fi
fi

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
    echo "run: no display found (DISPLAY/WAYLAND_DISPLAY unset); starting the console under Xvfb" >&2
    exec xvfb-run -a -s "-screen 0 1600x1000x24" "$build_dir/app/spillway" "$@"
fi
exec "$build_dir/app/spillway" "$@"
