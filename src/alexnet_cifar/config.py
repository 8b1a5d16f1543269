"""The typed run configuration; every value is checked before any work starts."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from .arch import VARIANTS
from .errors import ConfigError
from .preprocess import AUGMENTATIONS, NORMALIZATIONS

FRAMEWORKS = ("pytorch", "keras")
INITS = ("scratch", "imagenet")
FINETUNES = ("head", "full", "discriminative")
MODELS = tuple(VARIANTS)
# Which ImageNet weights each pretrained (framework, model) starts from.
PRETRAINED = {
    ("pytorch", "alexnet"): "torchvision",
    ("keras", "alexnet"): "torchvision",  # ported: separates framework from weights
    ("pytorch", "alexnet-caffe"): "caffe-npy",  # ported
    ("keras", "alexnet-caffe"): "caffe-npy",
    ("keras", "vgg16"): "keras-vgg16",
}
# The input convention the weights were trained with (design.md §3).
PRETRAINED_NORMALIZATION = {"torchvision": "imagenet", "caffe-npy": "caffe",
                            "keras-vgg16": "caffe"}
OPTIMIZERS = ("sgd", "adam", "adamw")
SCHEDULES = ("none", "step", "cosine", "onecycle", "plateau")
PLATEAU_FACTOR, PLATEAU_PATIENCE = 0.1, 2  # x0.1 after 2 epochs without a lower val loss
DEVICES = ("auto", "cpu", "cuda")


@dataclass
class TrainConfig:
    framework: str = "pytorch"
    model: str = "alexnet"
    init: str = "scratch"
    weights: str | None = None  # a local ImageNet weights file (default: download / cache)
    finetune: str = "discriminative"  # pretrained only: head | full | discriminative
    backbone_lr_factor: float = 0.1  # discriminative: backbone lr = lr * this
    batchnorm: bool = False
    num_classes: int = 10
    input_size: int | None = None  # None: the model's own (224, 227 or 32)
    epochs: int = 20
    batch_size: int = 128
    optimizer: str = "sgd"
    lr: float = 0.01
    momentum: float = 0.9
    weight_decay: float = 5e-4
    schedule: str = "cosine"
    step_size: int = 10  # epochs per step of the "step" schedule (x0.1)
    early_stopping: int | None = None  # stop after N epochs without a better val accuracy
    label_smoothing: float = 0.0
    augment: str = "standard"
    normalization: str | None = None  # None: "cifar" from scratch
    limit_train: int | None = None  # stratified pool before the validation split
    limit_test: int | None = None
    val_fraction: float = 0.1
    seed: int = 0
    device: str = "auto"
    compile: bool = False
    amp: bool = True  # bf16 autocast where the device supports it (CUDA)
    data_dir: str | None = None
    out: str | None = None

    def validate(self) -> "TrainConfig":
        def choice(name, options):
            value = getattr(self, name)
            if value not in options:
                raise ConfigError(f"--{name.replace('_', '-')} {value!r} is not known; choose "
                                  f"one of: {', '.join(options)}")

        choice("framework", FRAMEWORKS)
        choice("model", MODELS)
        choice("init", INITS)
        choice("finetune", FINETUNES)
        choice("optimizer", OPTIMIZERS)
        choice("schedule", SCHEDULES)
        choice("augment", tuple(AUGMENTATIONS))
        choice("device", DEVICES)
        if self.init == "imagenet":
            if (self.framework, self.model) not in PRETRAINED:
                rows = ", ".join(f"{f} {m}" for f, m in PRETRAINED)
                raise ConfigError(f"no ImageNet weights for {self.framework} {self.model}; "
                                  f"--init imagenet works for: {rows}")
            if self.batchnorm:
                raise ConfigError("--batchnorm with --init imagenet: the ImageNet weights have "
                                  "no BatchNorm layers; drop --batchnorm")
        elif self.weights is not None:
            raise ConfigError("--weights is for --init imagenet")
        if not 0 < self.backbone_lr_factor <= 1:
            raise ConfigError(f"--backbone-lr-factor must be in (0, 1], got "
                              f"{self.backbone_lr_factor!r}")
        if self.normalization is not None:
            choice("normalization", tuple(NORMALIZATIONS))
        positive = {"epochs": self.epochs, "batch_size": self.batch_size,
                    "num_classes": self.num_classes, "step_size": self.step_size}
        for opt in ("limit_train", "limit_test", "input_size", "early_stopping"):
            if getattr(self, opt) is not None:
                positive[opt] = getattr(self, opt)
        for name, value in positive.items():
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ConfigError(f"--{name.replace('_', '-')} must be a positive integer, "
                                  f"got {value!r}")
        if not self.lr > 0:
            raise ConfigError(f"--lr must be positive, got {self.lr!r}")
        for name in ("momentum", "label_smoothing"):
            if not 0 <= getattr(self, name) < 1:
                raise ConfigError(f"--{name.replace('_', '-')} must be in [0, 1), "
                                  f"got {getattr(self, name)!r}")
        if self.weight_decay < 0:
            raise ConfigError(f"--weight-decay must be >= 0, got {self.weight_decay!r}")
        if not 0 <= self.val_fraction < 1:
            raise ConfigError(f"--val-fraction must be in [0, 1), got {self.val_fraction!r}")
        if self.val_fraction == 0 and (self.schedule == "plateau" or self.early_stopping):
            raise ConfigError("--schedule plateau and --early-stopping watch the validation "
                              "set; set --val-fraction above 0")
        if self.limit_train is not None and self.batch_size > self.limit_train * (1 - self.val_fraction):
            raise ConfigError(f"--batch-size {self.batch_size} is larger than the "
                              f"{int(self.limit_train * (1 - self.val_fraction))} training images "
                              "left after the validation split; lower it or raise --limit-train")
        return self

    @property
    def pretrained_source(self) -> str | None:
        return PRETRAINED.get((self.framework, self.model)) if self.init == "imagenet" else None

    @property
    def normalization_name(self) -> str:
        if self.normalization:
            return self.normalization
        source = self.pretrained_source
        return PRETRAINED_NORMALIZATION[source] if source else "cifar"

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "TrainConfig":
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(d) - known)
        if unknown:
            raise ConfigError(f"unknown config keys: {', '.join(unknown)}")
        return cls(**d)

    @classmethod
    def load(cls, path: str | Path) -> "TrainConfig":
        try:
            return cls.from_dict(json.loads(Path(path).read_text()))
        except (OSError, json.JSONDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read the run config ({exc})") from exc
