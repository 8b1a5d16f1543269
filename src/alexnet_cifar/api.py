"""The Python API for notebooks: the same records the CLI writes, as return values."""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from typing import Any

from .arch import spec_for
from .backends import get_backend
from .config import TrainConfig
from .data import Cifar10
from .engine import rerun_evaluation, run_training
from .errors import ConfigError
from .runs import RunDir
from .training.trainer import EpochCallback
from .weights.imagenet import imagenet_weights
from .weights.port import convert_weights
from .weights.registry import new_names


def build_model(
    framework: str,
    model: str,
    *,
    num_classes: int = 10,
    batchnorm: bool = False,
    input_size: int | None = None,
    init: str = "scratch",
    weights: str | None = None,
    dropout: float = 0.5,
) -> Any:
    """A model built from the variant's spec, at its fresh initialisation or ImageNet weights.

    Args:
        framework: ``pytorch`` or ``keras``.
        model: ``alexnet``, ``alexnet-caffe``, ``alexnet-cifar`` or ``vgg16``.
        num_classes: outputs; with ``init="imagenet"`` and 1000 the ImageNet classifier is
            kept, otherwise the last layer (for vgg16 the whole head) is new.
        batchnorm: BatchNorm after every convolution (not with ImageNet weights).
        dropout: the rate of both dropout layers of the classifier.
        input_size: input side in px (default: the variant's own).
        init: ``scratch`` or ``imagenet``.
        weights: a local ImageNet weights file (default: download or cache).

    Returns:
        A ``torch.nn.Module`` (NCHW) or ``keras.Model`` (NHWC) that takes a preprocessed float
        batch at the model's input size and returns logits; it carries its ``spec``. Preprocess
        with the weights' convention: ``preprocess.get_normalization(config.normalization_name)``.
    """
    config = TrainConfig(
        framework=framework,
        model=model,
        num_classes=num_classes,
        batchnorm=batchnorm,
        dropout=dropout,
        input_size=input_size,
        init=init,
        weights=weights,
    ).validate()
    backend = get_backend(framework)
    spec = spec_for(config)
    net = backend.build(spec)
    if init == "imagenet":
        backend.import_weights(
            net,
            imagenet_weights(framework, spec, weights),
            new_names(config.pretrained, spec, framework),
        )
    return net


def count_parameters(model: Any) -> int:
    """Trainable parameters as the framework counts them (BatchNorm statistics excluded)."""
    if hasattr(model, "trainable_weights"):  # keras.Model
        return int(sum(math.prod(w.shape) for w in model.trainable_weights))
    return int(sum(p.numel() for p in model.parameters()))


def train(
    config: TrainConfig | dict,
    *,
    data: Cifar10 | Callable[[], Cifar10] | None = None,
    resume: bool = False,
    progress: bool = True,
    callbacks: tuple[EpochCallback, ...] = (),
) -> dict:
    """Train one model, validating every epoch, and evaluate it on the test set.

    Args:
        config: a TrainConfig or a dict of its fields; ``out`` names the run directory.
        data: CIFAR-10 already loaded, or a function that loads it (called only once every
            check that needs no data has passed); default: load it from ``config.data_dir``.
        resume: continue the run in ``config.out`` from its last checkpoint.
        progress: show progress bars.
        callbacks: called as ``cb(epoch, record, model)`` after every epoch.

    Returns:
        The results record, as written to ``RUN_DIR/results.json``.
    """
    if isinstance(config, dict):
        config = TrainConfig.from_dict(config)
    if not isinstance(config, TrainConfig):
        raise ConfigError(f"train() takes a TrainConfig or a dict, not {type(config).__name__}")
    return run_training(config, data, resume=resume, progress=progress, callbacks=callbacks)


def evaluate(
    run_dir: str | os.PathLike,
    *,
    data: Cifar10 | Callable[[], Cifar10] | None = None,
    data_dir: str | None = None,
    progress: bool = True,
    precision: str | None = None,
) -> dict:
    """Re-evaluate a finished or interrupted run from its checkpoint.

    Args:
        run_dir: the run directory of an earlier ``train``.
        data: CIFAR-10 already loaded, or a function that loads it (called once the run has
            been checked); default: load it from the run's data folder.
        data_dir: a CIFAR-10 source to use from now on (saved in the run's config).
        progress: show progress bars.
        precision: evaluate in this precision (default: the one the run trained in); the
            results record says which.

    Returns:
        The results record, rewritten to ``RUN_DIR/results.json``.
    """
    run = RunDir.open(run_dir)
    if data_dir is not None:
        config = run.config()
        config.data_dir = data_dir
        run.save_config(config)
    return rerun_evaluation(run_dir, data, progress, precision)


def _framework_of(model: Any) -> str:
    return "keras" if hasattr(model, "trainable_weights") else "pytorch"


def port_weights(src: Any, dst: Any) -> None:
    """Copy the weights of ``src`` into ``dst``.

    Args:
        src: a model made by build_model.
        dst: a model of the same spec made by build_model, in either framework.
    """
    spec_src, spec_dst = getattr(src, "spec", None), getattr(dst, "spec", None)
    if spec_src is None or spec_dst is None:
        raise ConfigError("port_weights needs models made by build_model (they carry their spec)")
    if spec_src != spec_dst:
        raise ConfigError(
            f"cannot port {spec_src.name} ({spec_src.num_classes} classes, "
            f"batchnorm={spec_src.batchnorm}) into {spec_dst.name} "
            f"({spec_dst.num_classes} classes, batchnorm={spec_dst.batchnorm})"
        )
    fw_src, fw_dst = _framework_of(src), _framework_of(dst)
    weights = get_backend(fw_src).export_weights(src)
    get_backend(fw_dst).import_weights(dst, convert_weights(spec_src, weights, fw_src, fw_dst))
