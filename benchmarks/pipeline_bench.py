#!/usr/bin/env python
"""The training input pipeline alone (gather, normalize, warp and resize) in images/s, both
frameworks at 32 and 224 px, batch 128, on random uint8 images, for --augment flip (warps
without rotation: resample.py's two matrix products) and standard (with rotation: a per-pixel
warp); prints JSON. Also the CPU time a batch takes (both threads together), the figure that
counts on a CPU where the pipeline shares the cores with the training step.

results/pipeline-cpu.json holds runs before and after training/plan.py, and before and after
resample.py (run this file with PYTHONPATH pointing at the older source for the before)."""

from __future__ import annotations

import json
import sys
import time

import numpy as np

from alexnet_cifar.backends.keras.pipeline import Pipeline as KerasPipeline
from alexnet_cifar.backends.pytorch.pipeline import Pipeline as TorchPipeline
from alexnet_cifar.preprocess import get_augmentation, get_normalization

BATCH, STEPS = 128, 16


def rates(stream) -> tuple[float, float]:
    """(images/s, CPU milliseconds a batch)."""
    wall, cpu = time.perf_counter(), time.process_time()
    count = sum(int(y.shape[0]) for _, y in stream)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return count / wall, 1000 * cpu * BATCH / count


def main() -> None:
    import torch  # after the package: backends/startup.py sets torch's allocator up first

    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (BATCH * STEPS, 32, 32, 3), dtype=np.uint8)
    y = np.arange(len(x)) % 10
    norm = get_normalization("cifar")
    out = {}
    for augment in sys.argv[1:] or ("flip", "standard"):
        aug = get_augmentation(augment)
        for size in (32, 224):
            pipes = {
                "pytorch": TorchPipeline(x, y, torch.device("cpu"), size, norm, aug, True),
                "keras": KerasPipeline(x, y, size, norm, aug, 10),
            }
            for name, pipe in pipes.items():
                rates(pipe.epoch(BATCH, 0, 0, STEPS))  # warm-up (tf.data tracing)
                speed, cpu_ms = rates(pipe.epoch(BATCH, 0, 1, STEPS))
                out[f"{name}_{augment}_{size}"] = {
                    "images_per_second": round(speed, 1),
                    "cpu_ms_per_batch": round(cpu_ms, 1),
                }
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
