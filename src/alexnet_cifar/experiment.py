"""What both backends share around a training run: the data splits and the result record, so
a report cannot tell a PyTorch run from a Keras run except by its framework field."""

from __future__ import annotations

import math
from contextlib import nullcontext
from dataclasses import dataclass

import numpy as np

from .arch import Spec, get_spec, with_input_size
from .config import TrainConfig
from .data import Cifar10, load_cifar10, stratified_subset, train_val_split
from .errors import ConfigError
from .metrics import classification_report
from .runs import RunDir, environment


@dataclass
class Splits:
    train: np.ndarray  # indices into data.x_train
    val: np.ndarray  # indices into data.x_train
    test: np.ndarray  # indices into data.x_test


def spec_for(config: TrainConfig) -> Spec:
    spec = get_spec(config.model, config.num_classes, config.batchnorm)
    return with_input_size(spec, config.input_size) if config.input_size else spec


def load_data(config: TrainConfig, data: Cifar10 | None, progress: bool) -> Cifar10:
    if data is None:
        data = load_cifar10(config.data_dir, progress=progress)
    if data.num_classes != config.num_classes:
        raise ConfigError(f"the data has {data.num_classes} classes but the config asks for "
                          f"{config.num_classes}; set num_classes to {data.num_classes}")
    return data


def make_splits(config: TrainConfig, data: Cifar10) -> Splits:
    train, val = train_val_split(data.y_train, config.val_fraction, config.seed,
                                 limit=config.limit_train)
    if config.batch_size > len(train):
        raise ConfigError(f"--batch-size {config.batch_size} is larger than the {len(train)} "
                          "training images; lower it or use more data")
    test = stratified_subset(data.y_test, config.limit_test, config.seed)
    return Splits(train, val, test)


def epoch_seed(seed: int, epoch: int) -> int:
    """Each epoch reseeds every generator it uses, so a resumed run repeats exactly."""
    return (seed * 1_000_003 + epoch * 7919) % (2 ** 31)


def steps_per_epoch(n_train: int, batch_size: int) -> int:
    return n_train // batch_size  # the last partial batch is dropped (BatchNorm needs >1 image)


def _cos_anneal(start: float, end: float, pct: float) -> float:
    return end + (start - end) / 2 * (1 + math.cos(math.pi * pct))


def lr_factor(schedule: str, step: int, total_steps: int, steps_per_ep: int,
              step_size: int) -> float:
    """Multiplier of the base learning rate at optimizer step ``step``. Defined once, so both
    frameworks follow the same curve; "onecycle" is PyTorch's OneCycleLR (warm-up over 30%,
    from lr/25 up to lr, then down to lr/25e4, cosine), learning rate only."""
    if schedule == "onecycle":
        warm = 0.3 * total_steps - 1
        start, low = 1 / 25, 1 / 25 / 1e4
        if step <= warm:
            return _cos_anneal(start, 1.0, step / warm) if warm > 0 else 1.0
        return _cos_anneal(1.0, low, min(1.0, (step - warm) / (total_steps - 1 - warm)))
    if schedule in ("none", "plateau"):  # plateau: the framework's ReduceLROnPlateau acts
        return 1.0
    if schedule == "step":
        return 0.1 ** ((step // steps_per_ep) // step_size)
    if schedule == "cosine":
        return 0.5 * (1 + math.cos(math.pi * min(step, total_steps) / total_steps))
    raise ValueError(schedule)


def results_record(config: TrainConfig, spec: Spec, data: Cifar10, splits: Splits,
                   predictions: np.ndarray, epochs: list[dict], inference_ips: float,
                   software: dict, hardware: dict) -> dict:
    y_true = data.y_test[splits.test]
    report = classification_report(y_true, predictions, data.class_names)
    seconds = [e["seconds"] for e in epochs]
    return {
        "framework": config.framework,
        "model": config.model,
        "init": config.init,
        "batchnorm": config.batchnorm,
        "input_size": spec.input_size,
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
        "train_images_per_second": (float(np.median([e["images_per_second"] for e in epochs]))
                                    if epochs else None),
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


def warn_if_at_chance(config: TrainConfig, record: dict) -> None:
    """After the first epoch, a training accuracy still at chance is the known failure of
    fine-tuning (the earlier study stuck at 10%); say what usually causes it."""
    import warnings
    if (config.init != "imagenet" or record["epoch"] != 0
            or record["train_accuracy"] > 1.5 / config.num_classes):
        return
    warnings.warn(
        f"training accuracy is {record['train_accuracy']:.3f} after the first epoch, chance "
        f"level for {config.num_classes} classes. Usual causes: a learning rate too high for a "
        f"net without BatchNorm (now --lr {config.lr}; torchvision fine-tunes AlexNet at 1e-2 "
        f"or less with SGD), the wrong input normalization for the weights (now "
        f"{config.normalization_name}), or a frozen head (--finetune {config.finetune}).",
        RuntimeWarning, stacklevel=2)


def run_training(trainer_cls, checkpoint: str, config: TrainConfig, data: Cifar10 | None, *,
                 resume: bool, progress: bool, callbacks=(), scope=lambda config: nullcontext()
                 ) -> dict:
    """Both backends' `train`: create (or reopen) the run, build the backend's Trainer, fit,
    evaluate. A resumed run with a checkpoint skips loading ImageNet weights it will replace."""
    config.validate()
    if not config.out:
        raise ConfigError("no run directory: pass --out RUN_DIR")
    data = load_data(config, data, progress)
    make_splits(config, data)  # a batch larger than the data fails before anything is written
    run = RunDir.open(config.out) if resume else RunDir.create(config.out, config)
    if resume:
        run.save_config(config)
    with scope(config):
        has_checkpoint = run.checkpoint(checkpoint).exists()
        trainer = trainer_cls(config, run, data, progress,
                              load_pretrained=not (resume and has_checkpoint))
        if resume:
            trainer.load_checkpoint()
        trainer.fit(callbacks)
        return trainer.evaluate()


def rerun_evaluation(trainer_cls, checkpoint: str, run_dir, data: Cifar10 | None,
                     progress: bool, scope=lambda config: nullcontext()) -> dict:
    """Both backends' `evaluate`: the run's last checkpoint on its test images."""
    run = RunDir.open(run_dir)
    config = run.config()
    if not run.checkpoint(checkpoint).exists():
        raise ConfigError(f"{run.path}: no checkpoint yet (no epoch finished); train first")
    with scope(config):
        trainer = trainer_cls(config, run, load_data(config, data, progress), progress,
                              load_pretrained=False)
        trainer.load_checkpoint()
        return trainer.evaluate()


def epochs_without_improvement(records: list[dict]) -> int:
    """Epochs since the best validation accuracy so far (early stopping reads the records, so a
    resumed run decides as an uninterrupted one would)."""
    accs = [r.get("val_accuracy") for r in records]
    if not accs or any(a is None for a in accs):
        return 0
    return len(accs) - 1 - int(np.argmax(accs))
