#!/usr/bin/env bash
# Renders the console in a real X window under Xvfb and saves a PNG.
# Usage: scripts/screenshot.sh [output.png] [build dir] [console args...]
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-docs/screenshots/main-window.png}"
build_dir="${2:-build}"
shift 2 2>/dev/null || shift $#
mkdir -p "$(dirname "$out")"
exec xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
    "$1/app/spillway" "${@:3}" & pid=$!
    sleep 3
    import -window root "$2"
    kill $pid; wait $pid 2>/dev/null || true
' _ "$build_dir" "$out" "$@"
