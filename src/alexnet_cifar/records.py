"""The records a run directory holds, typed: one ``EpochRecord`` per line of metrics.jsonl and
the ``Results`` of results.json. The trainer writes them, runs.py stores them, the report reads
them; both backends fill the same keys, so a report cannot tell the frameworks apart except by
the framework field. Records written by older releases lack the keys marked optional."""

from __future__ import annotations

from typing import Any, TypedDict


class _Epoch(TypedDict):
    epoch: int  # counted from 0
    train_loss: float
    train_accuracy: float
    seconds: float  # training only
    images_per_second: float  # training images / seconds
    lr: float  # the rate of the epoch's first step
    lr_last: float  # ... and of its last
    val_loss: float | None  # None without a validation split
    val_accuracy: float | None


class EpochRecord(_Epoch, total=False):
    # training/phases.py's parts of the epoch's time, validation and records included
    phases: dict[str, float]
    wall_seconds: float  # the whole epoch: training, validation and records
    # the share (0-1) of the machine's processor time that other processes used while the
    # epoch trained (system/cpu_share.py); absent from a data-parallel run's epochs
    others_cpu: float | None
    load_average: float | None  # the machine's 1-minute load average when the epoch ended
    # compute-only images/s of a fresh copy of the model, timed before this session trained
    machine_speed: float


# the keys of an epoch record that measure the machine, not the run: two runs of the same seed
# and flags agree on every other key
MACHINE_KEYS = (
    "seconds",
    "images_per_second",
    "wall_seconds",
    "phases",
    "others_cpu",
    "load_average",
    "machine_speed",
)


class _Results(TypedDict):
    framework: str
    model: str
    init: str
    batchnorm: bool
    input_size: int
    precision: str  # resolved: fp32, bf16 or fp16
    test_accuracy: float  # the run's prediction (with --tta's views where set)
    per_class_accuracy: dict[str, float]
    confusion_matrix: list[list[int]]
    class_names: list[str]
    num_test_images: int
    num_train_images: int
    num_val_images: int
    epochs: int
    final_val_accuracy: float | None
    seconds_per_epoch: float | None  # median over the epochs
    train_images_per_second: float | None  # median over the epochs
    inference_images_per_second: float
    parameters: int
    macs_per_image: int
    data_source: str
    software: dict[str, Any]
    hardware: dict[str, Any]
    test_indices: list[int]
    test_predictions: list[int]
    test_labels: list[int]
    config: dict[str, Any]


class Results(_Results, total=False):
    single_view_accuracy: float | None
    tta_accuracy: float | None  # None without --tta
    train_seconds: float  # the epochs' wall time, validation included
    time_to_accuracy: dict[str, float | None]  # "0.85" -> seconds until validation reached it
    phases: dict[str, float]  # summed over the epochs
    # the epochs' machine_speed, others_cpu and load average (medians)
    machine_speed: float | None
    others_cpu: float | None
    load_average: float | None
    new_layers: list[str]  # the weights a pretrained or --init-from start left new
    finished: str  # ISO time, UTC
    commit: str | None
