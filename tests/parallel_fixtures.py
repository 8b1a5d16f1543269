"""What the data-parallel tests of both frameworks share: one small training command, runs of
it as subprocesses, and how close two runs' final weights are."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from cifar_fixtures import real_data_args

# 12 SGD steps: far enough that a wrong share or weighting shows, near enough that two
# summation orders' float32 rounding (it grows step by step) stays below the bound
EPOCHS = 3


def train_args(framework: str, out: Path, data_args: list[str], epochs: int = EPOCHS) -> list:
    return [
        *f"train --framework {framework} --model alexnet-cifar --dropout 0 --augment flip".split(),
        *("--optimizer sgd --lr 0.05 --momentum 0.9 --weight-decay 5e-4".split()),
        *("--limit-train 320 --val-fraction 0.2 --limit-test 64 --batch-size 64".split()),
        *("--device cpu --precision fp32 --quiet".split()),
        *("--epochs", str(epochs), "--out", str(out), *data_args),
    ]


def env(**extra: str) -> dict:
    # one thread per process: two processes on two cores, as one process gets both
    threads = {k: "1" for k in ("OMP_NUM_THREADS", "TF_NUM_INTRAOP_THREADS")}
    return {**os.environ, **threads, "PYTHONWARNINGS": "ignore", **extra}


def single(args: list[str]) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "alexnet_cifar", *args]
    return subprocess.run(cmd, env=env(), capture_output=True, text=True, timeout=300)


def reference_run(framework: str, folder: Path, cache_dir: Path) -> Path:
    """One process of the small training command, in ``folder``/one: what N must match."""
    out = folder / "one"
    done = single(train_args(framework, out, real_data_args(cache_dir)))
    assert done.returncode == 0, done.stderr
    return out


def records(run: Path) -> list[dict]:
    return [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]


def layer_differences(a: list[tuple[str, np.ndarray]], b: list[tuple[str, np.ndarray]]) -> dict:
    """|a - b| per tensor, relative to its layer's kernel (the last tensor of more than one
    dimension before it, or itself): a bias starts at 0 and is still about 1e-3 after these
    steps, so it has no scale of its own that rounding can be measured against."""
    assert [n for n, _ in a] == [n for n, _ in b]
    out, kernel = {}, 1.0
    for (name, x), (_, y) in zip(a, b):
        if x.ndim > 1:
            kernel = np.linalg.norm(x)
        out[name] = float(np.linalg.norm(x - y) / max(kernel, 1e-12))
    return out


def worst(differences: dict) -> tuple[str, float]:
    return max(differences.items(), key=lambda kv: kv[1])


HOLD = Path(__file__).parent / "hold_after_first_epoch.py"


def wait_until_held(out: Path, procs: list[subprocess.Popen], ranks: int) -> list[int]:
    """The pids of the ``ranks`` processes of a run started through HOLD, once every one of
    them has finished epoch 1 and waits; fails if one exits first."""
    held = [out / f"held-{rank}" for rank in range(ranks)]
    deadline = time.monotonic() + 300
    while not all(h.exists() and h.read_text() for h in held):
        for p in procs:
            assert p.poll() is None, p.communicate()[1][-3000:]
        assert time.monotonic() < deadline, "the run never finished its first epoch"
        time.sleep(0.05)
    return [int(h.read_text()) for h in held]
