#!/usr/bin/env bash
# One command on a GPU machine: the cuda tests, benchmarks/run_bench.sh cuda, one epoch of
# each scratch row of the paper preset and one seed of the modern preset; writes OUT/ (default
# results/gpu-check/): cuda-tests.xml, paper-1-epoch/ and modern-seed-0/ (studies with their
# reports), summary.json and summary.md (GPU, driver, versions), and results/bench-gpu-*.json +
# results/bench-gpu.md. About 10 minutes on one modern GPU. Without a GPU both frameworks can
# use, it stops at once with one line.
# Usage: benchmarks/gpu_check.sh [OUT]
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-results/gpu-check}"
py=.venv/bin/python
export ALEXNET_CIFAR_DATA="${ALEXNET_CIFAR_DATA:-$(cd .. && pwd)/shared/data/cifar10}"
export MPLBACKEND=Agg
"$py" benchmarks/gpu_check.py preflight || exit 2
mkdir -p "$out"
rm -rf "$out/paper-1-epoch" "$out/modern-seed-0"
status=0
"$py" -m pytest -q -m cuda tests/cuda -rs --junitxml "$out/cuda-tests.xml" || status=1
benchmarks/run_bench.sh cuda 100 || status=1
"$py" benchmarks/gpu_check.py preset paper "$out/paper-1-epoch.yaml"
.venv/bin/alexnet-cifar study --preset "$out/paper-1-epoch.yaml" \
  --only scratch-pytorch scratch-keras --out "$out/paper-1-epoch" --lang en es --quiet || status=1
.venv/bin/alexnet-cifar study --preset modern --seeds 1 --out "$out/modern-seed-0" \
  --lang en es --quiet || status=1
"$py" benchmarks/gpu_check.py summarize "$out" || status=1
exit "$status"
