#!/usr/bin/env bash
# Training/inference throughput of both frameworks and both models on this machine, in
# --precision auto with the fp32 baseline timed in the same run; writes
# results/bench-<cpu|gpu>-<framework>-<model>.json and the table results/bench-<cpu|gpu>.md.
# FRAMEWORKS (default "pytorch keras"): the frameworks to time, where one is not installed.
# Usage: benchmarks/run_bench.sh [cpu|cuda] [steps]
set -euo pipefail
cd "$(dirname "$0")/.."
device="${1:-cpu}"; steps="${2:-16}"
tag=$([ "$device" = cuda ] && echo gpu || echo cpu)
py=.venv/bin/python; [ -x "$py" ] || py=python3
export ALEXNET_CIFAR_DATA="${ALEXNET_CIFAR_DATA:-$(cd .. && pwd)/shared/data/cifar10}"
# the batch sizes the studies train with: 128 at 32 px, 64 at 224 px
for spec in "alexnet-cifar --batchnorm --batch-size 128" "alexnet --batch-size 64"; do
  read -r model flags <<<"$spec"
  for fw in ${FRAMEWORKS:-pytorch keras}; do
    # shellcheck disable=SC2086
    "$py" -m alexnet_cifar bench --framework "$fw" --model "$model" $flags \
      --steps "$steps" --device "$device" --precision auto --quiet \
      --output "results/bench-$tag-$fw-$model.json"
  done
done
"$py" benchmarks/bench_table.py results/bench-"$tag"-*.json > "results/bench-$tag.md"
cat "results/bench-$tag.md"
