#!/usr/bin/env bash
# Builds the libFuzzer harnesses of tests/fuzz with clang (AddressSanitizer +
# UndefinedBehaviorSanitizer) and runs each for SECONDS (default 60), starting from its seed
# corpus tests/fuzz/corpus/<target>/. New inputs go to a scratch corpus in the build
# directory, so the seeds in the repository stay small and reviewed; a crash leaves its input
# as build-fuzz/crash-<target>-* and fails the script.
# Usage: scripts/fuzz.sh [SECONDS] [build-dir]   (default: 60 build-fuzz)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
build_dir=${2:-build-fuzz}

cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=clang++ \
  -DBITNAS_FUZZ=ON -DBITNAS_BUILD_TESTS=OFF > /dev/null
cmake --build "$build_dir" -j "$(nproc)" --target fuzz_targets

status=0
for target in fuzz_genotype_parser fuzz_yaml_config fuzz_idx_reader fuzz_cifar_reader \
              fuzz_checkpoint_reader; do
  scratch="$build_dir/corpus/$target"
  mkdir -p "$scratch"
  echo "== $target (${seconds}s) =="
  # -rss_limit_mb: a reader that allocates what a header promises before checking is a bug;
  # -timeout: an input that takes seconds is a hang (yaml-cpp had one).
  if ! "$build_dir/tests/fuzz/$target" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
      -max_len=65536 \
      -artifact_prefix="$build_dir/crash-$target-" -print_final_stats=1 \
      "$scratch" "tests/fuzz/corpus/$target" 2>"$build_dir/$target.log"; then
    tail -n 40 "$build_dir/$target.log" >&2
    echo "fuzz: $target failed; the input is in $build_dir/crash-$target-*" >&2
    status=1
  else
    grep -E '^stat::number_of_executed_units|^stat::new_units_added' "$build_dir/$target.log" || true
  fi
done
exit $status
