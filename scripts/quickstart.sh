#!/usr/bin/env bash
# The README's first command: sets up a fresh Debian 12 machine (packages), builds BitNAS,
# runs a short real search on Fashion-MNIST (configs/quickstart.yaml, about fifteen minutes on
# 2 cores), derives the best genotypes and prints how to query and retrain them.
# Run it again and it resumes (or reports) the same search instead of starting over.
# Usage: scripts/quickstart.sh [build-dir]   (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build}

bash scripts/install-deps.sh
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBITNAS_BUILD_TESTS=OFF
cmake --build "$build_dir" -j "$(nproc)" --target bitnas
bitnas="$build_dir/bitnas"
db=runs/quickstart.db
"$bitnas" version

echo "== search (configs/quickstart.yaml) =="
# A checkpoint means an earlier quickstart stopped (or finished): continue (or report) it.
resume=()
[ -f runs/quickstart/checkpoint.bnck ] && resume=(--resume)
summary=$("$bitnas" search configs/quickstart.yaml --db "$db" --run-dir runs/quickstart "${resume[@]}" --json)
run_id=$(printf '%s\n' "$summary" | sed -n 's/.*"run_id":\([0-9][0-9]*\).*/\1/p')
[ -n "$run_id" ] || { echo "quickstart: the search reported no run id" >&2; exit 1; }

echo "== derive (search run $run_id) =="
"$bitnas" derive --db "$db" --run "$run_id" --top 5 -o runs/quickstart-genotypes.yaml

cat <<EOT

Done. The results database is $db (schema: docs/DATABASE.md). Next steps:
  $bitnas query --db $db runs                  # every run and its best result
  $bitnas query --db $db history $run_id       # every genotype the search sampled, in order
  $bitnas query --db $db top $run_id           # genotypes ranked by shared-weights reward
  $bitnas describe --config configs/quickstart.yaml "\$(sed -n 's/^    genotype: "\(.*\)"$/\1/p' runs/quickstart-genotypes.yaml | head -1)"
  $bitnas train configs/quickstart.yaml --genotype-file runs/quickstart-genotypes.yaml --db $db
  $bitnas query --db $db correlation $run_id   # supernet reward vs retrained accuracy
EOT
