"""Which images a run trains, validates and tests on: the same indices in both frameworks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..config import TrainConfig
from ..data import Cifar10, load_cifar10, stratified_subset, train_val_split
from ..errors import ConfigError


@dataclass
class Splits:
    train: np.ndarray  # indices into data.x_train
    val: np.ndarray  # indices into data.x_train
    test: np.ndarray  # indices into data.x_test


def load_data(
    config: TrainConfig, data: Cifar10 | Callable[[], Cifar10] | None, progress: bool
) -> Cifar10:
    """``data`` if given (a loader is called now), else CIFAR-10 from ``config.data_dir``;
    checked against the config."""
    if callable(data):
        data = data()
    if data is None:
        data = load_cifar10(config.data_dir, progress=progress)
    if data.num_classes != config.num_classes:
        raise ConfigError(
            f"the data has {data.num_classes} classes but the config asks for "
            f"{config.num_classes}; pass --num-classes {data.num_classes}"
        )
    return data


def make_splits(config: TrainConfig, data: Cifar10) -> Splits:
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
