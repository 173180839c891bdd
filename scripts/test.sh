#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine (packages), builds BitNAS in Release and runs the test
# suite. Usage: scripts/test.sh [build-dir]   (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build}

bash scripts/install-deps.sh
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBITNAS_BUILD_TESTS=ON
cmake --build "$build_dir" -j "$(nproc)"
"$build_dir"/bitnas version
ctest --test-dir "$build_dir" --output-on-failure -j "$(nproc)"
