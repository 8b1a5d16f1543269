"""Per-class counts and exact per-channel mean/std of uint8 images."""

from __future__ import annotations

import numpy as np


def channel_mean_std(images: np.ndarray) -> tuple[list[float], list[float]]:
    """Mean and std per channel on the 0..1 scale, exact (histograms, no float copy of the data)."""
    flat = images.reshape(-1, images.shape[-1])
    values = np.arange(256, dtype=np.float64) / 255.0
    means, stds = [], []
    for c in range(flat.shape[1]):
        hist = np.bincount(flat[:, c], minlength=256).astype(np.float64)
        n = hist.sum()
        mean = (hist * values).sum() / n
        means.append(float(mean))
        stds.append(float(np.sqrt((hist * (values - mean) ** 2).sum() / n)))
    return means, stds


def class_counts(labels: np.ndarray, class_names: list[str]) -> dict[str, int]:
    counts = np.bincount(labels, minlength=len(class_names))
    return {name: int(c) for name, c in zip(class_names, counts)}


def describe(data) -> dict:
    """What `alexnet-cifar data info` reports."""
    mean, std = channel_mean_std(data.x_train)
    return {
        "source": data.source,
        "kind": data.kind,
        "verification": data.verification,
        "from_cache": data.from_cache,
        "image_shape": list(data.x_train.shape[1:]),
        "splits": {"train": int(len(data.x_train)), "test": int(len(data.x_test))},
        "per_class": {
            "train": class_counts(data.y_train, data.class_names),
            "test": class_counts(data.y_test, data.class_names),
        },
        "train_mean": mean,
        "train_std": std,
    }
