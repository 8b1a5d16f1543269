#!/usr/bin/env python
"""The training input pipeline alone (gather, augment, resize, normalize) in images/s, both
frameworks at 32 and 224 px, batch 128, on random uint8 images; prints JSON.
results/pipeline-cpu.json holds a run before and after training/plan.py."""

from __future__ import annotations

import json
import time

import numpy as np
import torch

from alexnet_cifar.backends.keras.pipeline import Pipeline as KerasPipeline
from alexnet_cifar.backends.pytorch.pipeline import Pipeline as TorchPipeline
from alexnet_cifar.preprocess import get_augmentation, get_normalization

BATCH, STEPS = 128, 16


def images_per_second(stream) -> float:
    start = time.perf_counter()
    count = sum(int(y.shape[0]) for _, y in stream)
    return count / (time.perf_counter() - start)


def main() -> None:
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (BATCH * STEPS, 32, 32, 3), dtype=np.uint8)
    y = np.arange(len(x)) % 10
    aug, norm = get_augmentation("standard"), get_normalization("cifar")
    out = {}
    for size in (32, 224):
        pipes = {
            "pytorch": TorchPipeline(x, y, torch.device("cpu"), size, norm, aug),
            "keras": KerasPipeline(x, y, size, norm, aug, 10),
        }
        for name, pipe in pipes.items():
            images_per_second(pipe.epoch(BATCH, 0, 0, STEPS))  # warm-up (tf.data tracing)
            out[f"{name}_{size}"] = images_per_second(pipe.epoch(BATCH, 0, 1, STEPS))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
