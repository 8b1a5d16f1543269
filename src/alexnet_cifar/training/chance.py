"""The known failure of fine-tuning (the earlier study stuck at 10%), caught after one epoch."""

from __future__ import annotations

import warnings

from ..config import TrainConfig


def warn_if_at_chance(config: TrainConfig, record: dict) -> None:
    """After the first epoch, a training accuracy still at chance is the known failure of
    fine-tuning (the earlier study stuck at 10%); say what usually causes it."""
    if (
        config.init != "imagenet"
        or record["epoch"] != 0
        or record["train_accuracy"] > 1.5 / config.num_classes
    ):
        return
    warnings.warn(
        f"training accuracy is {record['train_accuracy']:.3f} after the first epoch, chance "
        f"level for {config.num_classes} classes. Usual causes: a learning rate too high for a "
        f"net without BatchNorm (now --lr {config.lr}; torchvision fine-tunes AlexNet at 1e-2 "
        f"or less with SGD), the wrong input normalization for the weights (now "
        f"{config.normalization_name}), or a frozen head (--finetune {config.finetune}).",
        RuntimeWarning,
        stacklevel=3,
    )
