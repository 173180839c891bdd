#!/usr/bin/env bash
# The whole unit-test suite once more, built with AddressSanitizer and
# UndefinedBehaviorSanitizer (g++, -O1): any report fails its test. Assumes the packages of
# scripts/install-deps.sh. Usage: scripts/test-sanitizers.sh [build-dir]   (default: build-sanitize)
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build-sanitize}

cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBITNAS_BUILD_TESTS=ON \
  -DBITNAS_SANITIZE=ON
cmake --build "$build_dir" -j "$(nproc)" --target bitnas_tests
export ASAN_OPTIONS=abort_on_error=0:detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir "$build_dir" --output-on-failure -j "$(nproc)"
