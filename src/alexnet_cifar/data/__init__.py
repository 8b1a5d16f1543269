"""CIFAR-10 data: find, verify, decode, cache and split (NumPy only)."""

from .classes import CLASS_NAMES, translate
from .dataset import Cifar10, check_source, in_channel_order, keep_classes, load_cifar10
from .split import Splits, make_splits, stratified_subset, train_val_split
from .stats import describe

__all__ = [
    "in_channel_order",
    "keep_classes",
    "CLASS_NAMES",
    "Cifar10",
    "check_source",
    "load_cifar10",
    "translate",
    "Splits",
    "make_splits",
    "stratified_subset",
    "train_val_split",
    "describe",
]
