"""Seeded, stratified subsets and train/validation splits (scikit-learn does the stratifying),
and the indices a run trains, validates and tests on: the same in both frameworks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..errors import ConfigError

if TYPE_CHECKING:
    from ..config import TrainConfig
    from .dataset import Cifar10


def _check_strata(labels: np.ndarray, what: str) -> None:
    """A stratified split needs two images of every class (scikit-learn's rule)."""
    classes, counts = np.unique(labels, return_counts=True)
    if counts.min() < 2:
        rare = ", ".join(str(c) for c in classes[counts < 2])
        raise ConfigError(
            f"class(es) {rare} have a single image among the {what}: a stratified split needs "
            "at least 2 per class; add images of that class, or remove its folder"
        )


def stratified_subset(labels: np.ndarray, n: int | None, seed: int) -> np.ndarray:
    """Indices of a class-balanced subset of size ``n`` (all indices, sorted, when None)."""
    from sklearn.model_selection import train_test_split  # 1 s import: only when splitting

    everything = np.arange(len(labels))
    if n is None or n >= len(labels):
        return everything
    if n < len(np.unique(labels)):
        raise ConfigError(
            f"a subset of {n} images cannot hold every one of the "
            f"{len(np.unique(labels))} classes; ask for at least that many."
        )
    _check_strata(labels, "images to subset")
    subset, _ = train_test_split(everything, train_size=n, stratify=labels, random_state=seed)
    return np.sort(subset)


def train_val_split(
    labels: np.ndarray, val_fraction: float, seed: int, limit: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Indices (train, val) into ``labels``: an optional stratified pool of ``limit`` images,
    of which ``val_fraction`` is held out, stratified; both sorted, the same on every machine."""
    from sklearn.model_selection import train_test_split

    pool = stratified_subset(labels, limit, seed)
    if val_fraction <= 0:
        return pool, np.array([], dtype=np.int64)
    n_classes = len(np.unique(labels[pool]))
    n_val = int(round(val_fraction * len(pool)))
    if n_val < n_classes or len(pool) - n_val < n_classes:
        raise ConfigError(
            f"validation fraction {val_fraction} of {len(pool)} images leaves too "
            f"few images for {n_classes} classes on one side; use more images or a "
            "fraction between them."
        )
    _check_strata(labels[pool], "training images (before the validation split)")
    train, val = train_test_split(
        pool, test_size=n_val, stratify=labels[pool], random_state=seed + 1
    )
    return np.sort(train), np.sort(val)


@dataclass
class Splits:
    train: np.ndarray  # indices into data.x_train
    val: np.ndarray  # indices into data.x_train
    test: np.ndarray  # indices into data.x_test


def make_splits(config: TrainConfig, data: Cifar10) -> Splits:
    """The run's images: a stratified pool of ``--limit-train`` with ``--val-fraction`` held
    out, and ``--limit-test`` test images; a batch larger than the pool is refused."""
    train, val = train_val_split(
        data.y_train, config.val_fraction, config.seed, limit=config.limit_train
    )
    if config.batch_size > len(train):
        raise ConfigError(
            f"--batch-size {config.batch_size} is larger than the {len(train)} "
            "training images; lower it or use more data"
        )
    test = stratified_subset(data.y_test, config.limit_test, config.seed)
    return Splits(train, val, test)
