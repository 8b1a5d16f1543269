#!/usr/bin/env bash
# Measure training/inference throughput of both frameworks in one run, on this machine, and
# write the JSON files under results/ (named after the device: cpu or gpu).
# Usage: benchmarks/run_bench.sh [cpu|cuda] [steps]
set -euo pipefail
cd "$(dirname "$0")/.."
device="${1:-cpu}"; steps="${2:-8}"
tag=$([ "$device" = cuda ] && echo gpu || echo cpu)
export ALEXNET_CIFAR_DATA="${ALEXNET_CIFAR_DATA:-$(cd .. && pwd)/shared/data/cifar10}"
for model in alexnet alexnet-cifar; do
  for fw in pytorch keras; do
    .venv/bin/alexnet-cifar bench --framework "$fw" --model "$model" --batch-size 32 \
      --steps "$steps" --device "$device" --output "results/bench-$tag-$fw-$model.json"
  done
done
