#!/usr/bin/env bash
# One command on a GPU machine: the cuda tests, benchmarks/run_bench.sh cuda, one epoch of
# each scratch row of the paper preset and one seed of the modern preset; writes OUT/ (default
# results/gpu-check/): cuda-tests.xml, paper-1-epoch/ and modern-seed-0/ (studies with their
# reports), summary.json and summary.md (GPU, driver, versions), and results/bench-gpu-*.json +
# results/bench-gpu.md. About 10 minutes on one modern GPU. Each framework installed takes
# part; one that is not installed is skipped with a line (a GPU image with PyTorch alone).
# Without a GPU that an installed framework can use, it stops at once with one line.
# --no-studies: the tests and the benchmark only, for a machine without all of CIFAR-10 (the
# tests need 300 training and 100 test images, the benchmark a few hundred).
# Python: .venv/bin/python where it exists, else python3 (a machine's own environment).
# Usage: benchmarks/gpu_check.sh [OUT] [--no-studies]
set -euo pipefail
cd "$(dirname "$0")/.."
out=results/gpu-check; studies=1
for arg in "$@"; do
  case "$arg" in
    --no-studies) studies=0 ;;
    -*) echo "gpu_check.sh: unknown option $arg; usage: benchmarks/gpu_check.sh [OUT] [--no-studies]" >&2
        exit 2 ;;
    *) out="$arg" ;;
  esac
done
py=.venv/bin/python; [ -x "$py" ] || py=python3
export ALEXNET_CIFAR_DATA="${ALEXNET_CIFAR_DATA:-$(cd .. && pwd)/shared/data/cifar10}"
export MPLBACKEND=Agg
frameworks=$("$py" benchmarks/gpu_check.py preflight) || exit 2
mkdir -p "$out"
rm -rf "$out/paper-1-epoch" "$out/modern-seed-0"
rows=$(for fw in $frameworks; do printf 'scratch-%s ' "$fw"; done)
status=0
"$py" -m pytest -q -m cuda tests/cuda -rs --junitxml "$out/cuda-tests.xml" || status=1
FRAMEWORKS="$frameworks" benchmarks/run_bench.sh cuda 100 || status=1
if [ "$studies" = 1 ]; then
  "$py" benchmarks/gpu_check.py preset paper "$out/paper-1-epoch.yaml"
  # shellcheck disable=SC2086
  "$py" -m alexnet_cifar study --preset "$out/paper-1-epoch.yaml" \
    --only $rows --out "$out/paper-1-epoch" --lang en es --quiet || status=1
  # shellcheck disable=SC2086
  "$py" -m alexnet_cifar study --preset modern --only $rows --seeds 1 \
    --out "$out/modern-seed-0" --lang en es --quiet || status=1
fi
"$py" benchmarks/gpu_check.py summarize "$out" || status=1
exit "$status"
