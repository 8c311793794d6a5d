#!/usr/bin/env bash
# Checks (or with --fix, applies) clang-format on every C++ file git tracks.
# Exit 1 when a file is not formatted.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=(--dry-run --Werror)
[ "${1:-}" = "--fix" ] && mode=(-i)
mapfile -t files < <(git ls-files '*.cpp' '*.h')
[ ${#files[@]} -eq 0 ] && exit 0
clang-format "${mode[@]}" "${files[@]}"
echo "check-format: ${#files[@]} files ok"
