"""The results record of a run, the same for both backends, so a report cannot tell a PyTorch
run from a Keras run except by its framework field; and the chance-level warning."""

from __future__ import annotations

import math
import warnings

import numpy as np

from ..arch import Spec
from ..config import TrainConfig
from ..data import Cifar10
from ..metrics import classification_report
from ..runs import environment
from .splits import Splits


def results_record(
    config: TrainConfig,
    spec: Spec,
    data: Cifar10,
    splits: Splits,
    predictions: np.ndarray,
    epochs: list[dict],
    inference_ips: float,
    software: dict,
    hardware: dict,
) -> dict:
    y_true = data.y_test[splits.test]
    report = classification_report(y_true, predictions, data.class_names)
    seconds = [e["seconds"] for e in epochs]
    return {
        "framework": config.framework,
        "model": config.model,
        "init": config.init,
        "batchnorm": config.batchnorm,
        "input_size": spec.input_size,
        "precision": config.precision,
        "test_accuracy": report["accuracy"],
        "per_class_accuracy": report["per_class_accuracy"],
        "confusion_matrix": report["confusion_matrix"],
        "class_names": data.class_names,
        "num_test_images": report["num_images"],
        "num_train_images": int(len(splits.train)),
        "num_val_images": int(len(splits.val)),
        "epochs": len(epochs),
        "final_val_accuracy": epochs[-1]["val_accuracy"] if epochs else None,
        # medians: one epoch slowed by warm-up or a busy machine does not skew the figure
        "seconds_per_epoch": float(np.median(seconds)) if seconds else None,
        "train_seconds": float(np.sum(seconds)),
        "train_images_per_second": (
            float(np.median([e["images_per_second"] for e in epochs])) if epochs else None
        ),
        "inference_images_per_second": inference_ips,
        "parameters": spec.num_params(),
        "macs_per_image": spec.macs(),
        "data_source": data.source,
        "software": software,
        "hardware": environment(hardware),
        "test_indices": splits.test.tolist(),
        "test_predictions": np.asarray(predictions).tolist(),
        "test_labels": y_true.tolist(),
        "config": config.to_dict(),
    }


def epoch_line(record: dict, epochs: int, seconds_left: float | None) -> str:
    """The line a run prints after each epoch: in a job's log file, where no progress bar shows,
    the only sign of life of an hours-long run, and in a terminal the history that the epoch's
    bar does not keep. ``seconds_left``: the estimate for the remaining epochs (None: none)."""
    parts = [
        f"epoch {record['epoch'] + 1}/{epochs}: loss {record['train_loss']:.3f}, "
        f"accuracy {record['train_accuracy']:.1%}"
    ]
    if record.get("val_accuracy") is not None:
        parts.append(f"val loss {record['val_loss']:.3f}, accuracy {record['val_accuracy']:.1%}")
    parts.append(
        f"{duration(record['seconds'])} ({record['images_per_second']:.0f} img/s, lr "
        f"{lr_range(record)})"
    )
    if seconds_left:
        parts.append(f"about {duration(seconds_left)} left")
    return "; ".join(parts)


def lr_range(record: dict) -> str:
    """The learning rate the epoch trained at: one value, or its first and last step's."""
    first, last = record["lr"], record.get("lr_last", record["lr"])
    if math.isclose(first, last, rel_tol=1e-6):
        return f"{first:.3g}"
    return f"{first:.3g} -> {last:.3g}"


def duration(seconds: float) -> str:
    """``seconds`` as a person reads a wait: 42 s, 17 min, 3.4 h."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


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
