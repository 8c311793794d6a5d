#!/usr/bin/env bash
# Builds every libFuzzer target of tests/fuzz with clang (ASan + UBSan) in its
# own build directory and runs each for a bounded time, seeded from
# tests/data/fuzz/<target>/. New corpus entries go to the build directory,
# crashes to <build>/fuzz-artifacts/. Exit 1 if any target found a crash.
# Usage: scripts/fuzz.sh [seconds-per-target]   (env: FUZZ_BUILD_DIR, FUZZ_JOBS)
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
build_dir="${FUZZ_BUILD_DIR:-build-fuzz}"
generator=()
command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)

CC=clang CXX=clang++ cmake -S . -B "$build_dir" "${generator[@]}" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSPILLWAY_BUILD_FUZZERS=ON \
    -DSPILLWAY_BUILD_GUI=OFF \
    -DSPILLWAY_BUILD_TESTS=OFF \
    -DSPILLWAY_BUILD_BENCH=OFF >/dev/null

mapfile -t targets < <(sed -n 's/^spillway_add_fuzzer(\([A-Za-z0-9_]*\).*/\1/p' tests/fuzz/CMakeLists.txt)
if [ ${#targets[@]} -eq 0 ]; then
    echo "fuzz: no spillway_add_fuzzer() targets in tests/fuzz/CMakeLists.txt" >&2
    exit 2
fi
cmake --build "$build_dir" --parallel "${FUZZ_JOBS:-2}" --target "${targets[@]}"

failed=()
for t in "${targets[@]}"; do
    corpus="$build_dir/fuzz-corpus/$t"
    artifacts="$build_dir/fuzz-artifacts"
    mkdir -p "$corpus" "$artifacts"
    seeds=()
    [ -d "tests/data/fuzz/$t" ] && seeds=("tests/data/fuzz/$t")
    echo "fuzz: $t for ${seconds}s"
    if ! "$build_dir/tests/fuzz/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$artifacts/$t-" "$corpus" "${seeds[@]}"; then
        failed+=("$t")
    fi
done

if [ ${#failed[@]} -ne 0 ]; then
    echo "fuzz: crashes in ${failed[*]} (inputs in $build_dir/fuzz-artifacts/)" >&2
    exit 1
fi
echo "fuzz: ${#targets[@]} target(s) ran ${seconds}s each without a crash"
