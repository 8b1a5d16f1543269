"""The results record of a run (records.Results), built the same for both backends."""

from __future__ import annotations

import datetime

import numpy as np

from ..arch import Spec
from ..config import TrainConfig
from ..data import Cifar10, Splits
from ..metrics import classification_report
from ..records import EpochRecord, Results
from ..system.environment import environment, portable_path, source_commit
from .phases import total_phases


def results_record(
    *,
    config: TrainConfig,
    spec: Spec,
    data: Cifar10,
    splits: Splits,
    predictions: dict[str, np.ndarray],
    epochs: list[EpochRecord],
    inference_ips: float,
    software: dict,
    hardware: dict,
    new_layers: list[str],
) -> Results:
    """``predictions``: the test images' classes per view, ``single`` and (--tta) ``tta``; the
    last view given is the run's prediction."""
    y_true = data.y_test[splits.test]
    final = list(predictions.values())[-1]
    report = classification_report(y_true, final, data.class_names)
    seconds = [e["seconds"] for e in epochs]
    view_accuracy = {
        v: float(np.mean(p == y_true)) if len(y_true) else None for v, p in predictions.items()
    }
    return {
        "framework": config.framework,
        "model": config.model,
        "init": config.init,
        "batchnorm": config.batchnorm,
        "input_size": spec.input_size,
        "precision": config.precision,
        "test_accuracy": report["accuracy"],
        # without and with test-time augmentation (None where --tta is none)
        "single_view_accuracy": view_accuracy["single"],
        "tta_accuracy": view_accuracy.get("tta"),
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
        # the epochs' whole wall time, validation included (records before it: training only)
        "train_seconds": float(sum(e.get("wall_seconds", e["seconds"]) for e in epochs)),
        "time_to_accuracy": time_to_accuracy(epochs),
        # training/phases.py: where the epochs' time went, summed over them
        "phases": total_phases(epochs),
        "train_images_per_second": (
            float(np.median([e["images_per_second"] for e in epochs])) if epochs else None
        ),
        "inference_images_per_second": inference_ips,
        # the machine's state while it trained (records.EpochRecord)
        "machine_speed": _median(e.get("machine_speed") for e in epochs),
        "others_cpu": _median(e.get("others_cpu") for e in epochs),
        "load_average": _median(e.get("load_average") for e in epochs),
        # the weights a pretrained or --init-from start left new (its task's head)
        "new_layers": new_layers,
        "parameters": spec.num_params(),
        "macs_per_image": spec.macs(),
        "data_source": portable_path(data.source),
        "software": software,
        "hardware": environment(hardware),
        "test_indices": splits.test.tolist(),
        "test_predictions": np.asarray(final).tolist(),
        "test_labels": y_true.tolist(),
        "config": _portable_config(config),
        # when and from which source the run finished: the report's reproducibility block
        "finished": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "commit": source_commit(),
    }


def _median(values) -> float | None:
    known = [v for v in values if v is not None]
    return float(np.median(known)) if known else None


def _portable_config(config: TrainConfig) -> dict:
    d = config.to_dict()
    for key in ("data_dir", "out", "weights", "init_from"):
        if d.get(key):
            d[key] = portable_path(d[key])
    return d


ACCURACY_MARKS = (0.8, 0.85, 0.9)


def time_to_accuracy(epochs: list[EpochRecord], marks=ACCURACY_MARKS) -> dict[str, float | None]:
    """Wall-clock seconds of training and validation from the run's start until validation
    accuracy first reached each mark (at the end of that epoch); None where it never did."""
    out: dict[str, float | None] = {str(m): None for m in marks}
    elapsed = 0.0
    for e in epochs:
        elapsed += e.get("wall_seconds", e["seconds"])
        for m in marks:
            if out[str(m)] is None and (e.get("val_accuracy") or 0.0) >= m:
                out[str(m)] = elapsed
    return out
