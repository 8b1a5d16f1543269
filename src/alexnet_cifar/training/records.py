"""The results record of a run, the same for both backends, so a report cannot tell a PyTorch
run from a Keras run except by its framework field."""

from __future__ import annotations

import numpy as np

from ..arch import Spec
from ..config import TrainConfig
from ..data import Cifar10, Splits
from ..environment import environment
from ..metrics import classification_report


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
