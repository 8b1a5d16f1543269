#!/usr/bin/env bash
# The modern recipe built up one part at a time from the quick recipe, 6 epochs each (quick's
# length), PyTorch, seed 0, alexnet-cifar + BatchNorm, all of CIFAR-10 (45,000/5,000/10,000).
# Each step adds one part to the one before (quick, the starting point, runs last); a step whose results.json exists is skipped, so
# the script can be re-run after an interruption. Writes results/modern-ablation/<step>/.
# Usage: benchmarks/modern_ablation.sh [framework] [epochs]
set -euo pipefail
cd "$(dirname "$0")/.."
fw="${1:-pytorch}"; epochs="${2:-6}"
export ALEXNET_CIFAR_DATA="${ALEXNET_CIFAR_DATA:-../shared/data/cifar10}"
base=(--framework "$fw" --model alexnet-cifar --batchnorm --epochs "$epochs" --batch-size 128
      --optimizer sgd --momentum 0.9 --weight-decay 0.0005 --val-fraction 0.1 --seed 0
      --precision auto --data-dir "$ALEXNET_CIFAR_DATA" --quiet)
steps=(
  "onecycle|--lr 0.1 --schedule onecycle --decay-on weights --augment flip"
  "label-smoothing|--lr 0.1 --schedule onecycle --decay-on weights --augment flip --label-smoothing 0.1"
  "crop|--lr 0.1 --schedule onecycle --decay-on weights --augment crop --label-smoothing 0.1"
  "ema-tta|--lr 0.1 --schedule onecycle --decay-on weights --augment crop --label-smoothing 0.1 --ema 0.999 --tta flip"
  "quick|--lr 0.05 --schedule cosine --decay-on all --augment flip"
)
for step in "${steps[@]}"; do
  name="${step%%|*}"; flags="${step#*|}"
  out="results/modern-ablation/$name-$epochs-epochs-$fw"
  [ -f "$out/results.json" ] && { echo "done already: $out"; continue; }
  rm -rf "$out"
  # shellcheck disable=SC2086
  .venv/bin/alexnet-cifar train "${base[@]}" $flags --out "$out"
  rm -f "$out"/checkpoint*
done
