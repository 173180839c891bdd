#!/usr/bin/env bash
# The Fashion-MNIST campaign: does the search find binary cells that beat random cells and the
# baselines, under one protocol? Resumable: run it again (in a later session too) and every
# finished step is skipped and an interrupted one continues from its checkpoint.
#
#   1. search: regularized evolution and random search at the same budget (same supernet
#      schedule, same number of evaluated genotypes) -- configs/campaign/fmnist_*.yaml;
#   2. derive: the evolution search's top 3 and the random search's top 1, ranked with shared
#      weights on the derive split;
#   3. a uniform sample of 8 genotypes of the space (`bitnas sample`), scored with the
#      evolution supernet's shared weights (`derive --candidates`) for the reward-vs-accuracy
#      Kendall tau;
#   4. retraining, every model with the one recipe of configs/campaign/fmnist_evolution.yaml
#      (`data`, `trainer`) and seeds 1 and 2: the derived genotypes, the 8 random ones, and
#      both baselines at quarter width (whose OPs are at or above the searched cells');
#   5. docs/RESULTS.md, generated from the results database by `bitnas query`.
# Usage: scripts/campaign-fmnist.sh [--smoke] [build-dir]   (default: build). Takes hours (two
# searches of about 30 minutes, then 30 retrainings of a few minutes each on 2 busy cores); the
# database is runs/campaign/campaign.db.
# --smoke runs every step at a tiny budget (one epoch, few images, 3 random genotypes) into
# runs/campaign-smoke, report included, to check the pipeline in minutes; its numbers mean
# nothing and docs/RESULTS.md is left alone.
set -euo pipefail
cd "$(dirname "$0")/.."
smoke=false
if [ "${1:-}" = --smoke ]; then smoke=true; shift; fi
build_dir=${1:-build}
out=runs/campaign
report=docs/RESULTS.md
seeds=(1 2)
random_count=8
search_budget=()
train_budget=()
if $smoke; then
  out=runs/campaign-smoke
  report=$out/RESULTS.md
  random_count=3
  search_budget=(--epochs 1 --train-limit 3000)
  train_budget=(--epochs 1 --train-limit 1000)
fi
db=$out/campaign.db
mkdir -p "$out"

bash scripts/install-deps.sh
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build_dir" -j "$(nproc)" --target bitnas
bitnas="$build_dir/bitnas"

# --resume exactly when a run directory holds a checkpoint (finished runs report themselves).
resume_flag() { [ -f "$1/checkpoint.bnck" ] && echo --resume || true; }

search() {  # search NAME CONFIG -> prints the run id
  local dir=$out/search-$1
  "$bitnas" search "$2" "${search_budget[@]}" --db "$db" --run-dir "$dir" $(resume_flag "$dir") \
    --json --quiet |
    sed -n 's/.*"run_id":\([0-9][0-9]*\).*/\1/p'
}

derive() {  # derive OUTPUT SEARCH_RUN ARGS... (skipped once OUTPUT exists)
  local output=$1 run=$2
  shift 2
  [ -f "$output" ] || "$bitnas" derive --db "$db" --run "$run" -o "$output" --quiet "$@" >/dev/null
}

derive_run_of() { sed -n 's/^derive_run: \([0-9][0-9]*\)$/\1/p' "$1"; }

# A top-level YAML section (its key line and the indented or list lines under it).
section() { awk -v key="$2" '/^[^ #-]/ { keep = ($0 ~ "^" key ":") } keep' "$1"; }

retrain() {  # retrain LABEL CONFIG RANK SEED [--genotype-file FILE]
  local label=$1 config=$2 rank=$3 seed=$4
  shift 4
  local dir=$out/train-$label-r$rank-s$seed
  echo "== retrain $label rank $rank seed $seed"
  "$bitnas" train "$config" "$@" "${train_budget[@]}" --rank "$rank" --seed "$seed" --db "$db" \
    --run-dir "$dir" \
    --name "campaign:$label:r$rank" $(resume_flag "$dir") --quiet >/dev/null
}

echo "== search: evolution, then random search at the same budget"
evolution_run=$(search evolution configs/campaign/fmnist_evolution.yaml)
random_search_run=$(search random configs/campaign/fmnist_random.yaml)

echo "== derive and sample"
derive "$out/derived-evolution.yaml" "$evolution_run" --top 3
derive "$out/derived-random-search.yaml" "$random_search_run" --top 1
[ -f "$out/random.yaml" ] || "$bitnas" sample configs/campaign/fmnist_evolution.yaml --count "$random_count" \
  --seed 7 -o "$out/random.yaml" >/dev/null
derive "$out/random-scored.yaml" "$evolution_run" --candidates "$out/random.yaml"

# The baselines with the campaign's recipe: their model sections, the campaign's data and
# trainer sections, so every compared model trains the same way.
for baseline in xnor_resnet18 resnete18; do
  { section "configs/train/${baseline}_fmnist.yaml" search_space
    section "configs/train/${baseline}_fmnist.yaml" genotype
    section configs/campaign/fmnist_evolution.yaml data
    section configs/campaign/fmnist_evolution.yaml trainer
  } > "$out/$baseline.yaml"
done

for seed in "${seeds[@]}"; do
  for rank in 1 2 3; do
    retrain searched-evolution configs/campaign/fmnist_evolution.yaml "$rank" "$seed" \
      --genotype-file "$out/derived-evolution.yaml"
  done
  retrain searched-random-search configs/campaign/fmnist_evolution.yaml 1 "$seed" \
    --genotype-file "$out/derived-random-search.yaml"
  for baseline in xnor_resnet18 resnete18; do
    retrain "baseline-$baseline" "$out/$baseline.yaml" 1 "$seed"
  done
  for rank in $(seq 1 "$random_count"); do
    retrain random configs/campaign/fmnist_evolution.yaml "$rank" "$seed" \
      --genotype-file "$out/random.yaml"
  done
done

echo "== report"
query() { "$bitnas" query --db "$db" --format markdown "$@"; }
{
  echo "# Results: the Fashion-MNIST campaign"
  echo
  echo "Generated by \`scripts/campaign-fmnist.sh\` from \`$db\` on $(date -u +%Y-%m-%d)"
  echo "($(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores). Do not edit by hand; rerun the script."
  echo
  echo "Protocol: docs/SEARCH.md. Every model below is retrained from scratch with the recipe"
  echo "of \`configs/campaign/fmnist_evolution.yaml\` (\`data\`, \`trainer\`) and seeds ${seeds[*]};"
  echo "genotypes are ranked on the validation split and the test split is read once per run,"
  echo "at its end. valid/test: mean top-1 over the seeds, sd: their sample standard deviation."
  echo
  echo "## Searched: regularized evolution (derive top 3)"
  echo
  query retrained --from "$(derive_run_of "$out/derived-evolution.yaml")" --name campaign:searched-evolution
  echo
  echo "## Searched: random search at the same budget (derive top 1)"
  echo
  query retrained --from "$(derive_run_of "$out/derived-random-search.yaml")" --name campaign:searched-random-search
  echo
  echo "## Random genotypes ($random_count drawn uniformly from the space)"
  echo
  query retrained --name campaign:random
  echo
  echo "## Baselines (quarter width)"
  echo
  query retrained --name campaign:baseline
  echo
  echo "## Shared-weights reward vs retrained accuracy on the random sample"
  echo
  echo "Kendall tau-b between each random genotype's reward on the evolution supernet (whole"
  echo "derive split) and its mean retrained validation top-1:"
  echo
  query correlation "$(derive_run_of "$out/random-scored.yaml")"
  echo
  echo "## The searches"
  echo
  query compare "$evolution_run" "$random_search_run"
} > "$report"
echo "wrote $report"
