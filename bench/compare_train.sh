#!/usr/bin/env bash
# Training and evaluation throughput of BitNAS against PyTorch, and optionally against another
# BitNAS build, alternated round by round on both baselines (docs/BENCHMARKS.md): each round
# runs, per model, this build, PyTorch, the other build, and this build at one thread. Prints
# the medians over the rounds and their ratios, and the lscpu model name.
# Usage: bench/compare_train.sh [--rounds N] [--before BITNAS] [--out FILE.jsonl] [build-dir]
#   --before: a bitnas executable to compare with (e.g. one built from an older commit).
#   --out: keep every run's JSON line (default: a temporary file).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=3
before=""
out=""
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) rounds=$2; shift 2 ;;
    --before) before=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    -*) echo "compare_train.sh: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
bitnas=${1:-build}/bitnas
[ -x "$bitnas" ] || { echo "compare_train.sh: no $bitnas (build first)" >&2; exit 2; }
[ -z "$before" ] || [ -x "$before" ] || { echo "compare_train.sh: --before $before is not executable" >&2; exit 2; }
[ -n "$out" ] || out=$(mktemp)
: > "$out"

run() {  # run PROGRAM MODEL -> one JSON line tagged with the program
  local prog=$1 model=$2 json
  case $prog in
    bitnas) json=$("$bitnas" bench train --model "$model" --threads 2 --steps 6 --json | tail -1) ;;
    bitnas_1thread) json=$("$bitnas" bench train --model "$model" --threads 1 --steps 4 --json | tail -1) ;;
    before) json=$("$before" bench train --model "$model" --threads 2 --steps 6 --json | tail -1) ;;
    torch) json=$(/usr/bin/python3 bench/torch_train.py --model "$model" --threads 2 --steps 6 | tail -1) ;;
  esac
  echo "{\"prog\":\"$prog\",\"model\":\"$model\",\"result\":$json}" >> "$out"
}

for round in $(seq 1 "$rounds"); do
  for model in xnor_resnet18 resnete18; do
    echo "round $round/$rounds: $model" >&2
    run bitnas "$model"
    run torch "$model"
    [ -z "$before" ] || run before "$model"
    run bitnas_1thread "$model"
  done
done

echo "cpu: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $rounds rounds; runs in $out"
/usr/bin/python3 - "$out" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
for model in sorted({r["model"] for r in rows}):
    med = {}
    for prog in ("bitnas", "torch", "before", "bitnas_1thread"):
        runs = [r["result"] for r in rows if r["model"] == model and r["prog"] == prog]
        if runs:
            med[prog] = {k: statistics.median(x[k] for x in runs)
                         for k in ("train_img_per_s", "eval_img_per_s", "peak_rss_mb")}
    for prog, m in med.items():
        print(f"{model:14} {prog:15} train {m['train_img_per_s']:7.1f} img/s  eval {m['eval_img_per_s']:7.0f} img/s"
              f"  peak RSS {m['peak_rss_mb']:6.0f} MB")
    b, t = med["bitnas"], med["torch"]
    print(f"{model:14} bitnas/torch    train {b['train_img_per_s'] / t['train_img_per_s']:.2f}x  eval "
          f"{b['eval_img_per_s'] / t['eval_img_per_s']:.2f}x  peak RSS {b['peak_rss_mb'] / t['peak_rss_mb']:.2f}x")
    if "before" in med:
        o = med["before"]
        print(f"{model:14} bitnas/before   train {b['train_img_per_s'] / o['train_img_per_s']:.2f}x  eval "
              f"{b['eval_img_per_s'] / o['eval_img_per_s']:.2f}x")
    one = med["bitnas_1thread"]
    print(f"{model:14} 2 / 1 threads   train {b['train_img_per_s'] / one['train_img_per_s']:.2f}x  eval "
          f"{b['eval_img_per_s'] / one['eval_img_per_s']:.2f}x")
PY
