"""What a reader (official batches or an image folder) decoded, before it becomes a Cifar10."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Decoded:
    x_train: np.ndarray  # N,H,W,C uint8
    y_train: np.ndarray  # int64
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: list[str]
    verification: str  # what was checked, in words
