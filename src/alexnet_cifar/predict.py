"""`alexnet-cifar predict`: top classes for image files, from a run or from ImageNet weights."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, UnidentifiedImageError

from .arch import spec_for
from .backends import Backend, get_backend
from .config import TrainConfig
from .data import CLASS_NAMES
from .errors import ConfigError, DataError
from .preprocess import get_normalization
from .runs import RunDir
from .training.precision import choose
from .weights.imagenet import imagenet_weights


def read_images(paths: list[str], size: int) -> np.ndarray:
    """RGB uint8 NHWC at ``size`` px (32 for a CIFAR run: the resize to the model's input
    then happens in the pipeline, as in training)."""
    out = []
    for p in paths:
        try:
            with Image.open(p) as img:
                out.append(np.asarray(img.convert("RGB").resize((size, size), Image.BILINEAR)))
        except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
            raise DataError(f"{p}: cannot read the image ({exc})") from None
    return np.stack(out)


def imagenet_class_names() -> list[str]:
    """ImageNet's 1000 class names, as torchvision ships them (numbered without torch)."""
    try:
        return get_backend("pytorch").imagenet_categories()
    except ConfigError:
        return [f"imagenet_{i}" for i in range(1000)]


def load_predictor(
    run_dir: str | None = None, config: TrainConfig | None = None, precision: str = "auto"
) -> tuple[Backend, Any, TrainConfig, list[str], int]:
    """(backend, model, config, class names, image size to read at) for a run or an ImageNet
    config; the model computes in ``precision`` on the CPU."""
    if run_dir is not None:
        run = RunDir.open(run_dir)
        config = run.config()
        backend = get_backend(config.framework)
        checkpoint = run.checkpoint(backend.Trainer.checkpoint_suffix)
        if not checkpoint.exists():
            raise ConfigError(f"{run_dir}: no checkpoint yet; train first")
        spec = spec_for(config)
        model = backend.build(spec, precision=_on_cpu(backend, precision, config.framework))
        backend.import_weights(model, backend.load_file(checkpoint, spec))
        names = run.results()["class_names"] if run.results_file.exists() else None
        return backend, model, config, names or list(CLASS_NAMES["en"]), 32
    config.validate()
    if not config.pretrained.has_classifier:
        raise ConfigError(
            f"predict with {config.model} needs a fine-tuned run (--run): its "
            "ImageNet weights hold no classifier"
        )
    spec = spec_for(config)
    backend = get_backend(config.framework)
    model = backend.build(spec, precision=_on_cpu(backend, precision, config.framework))
    backend.import_weights(model, imagenet_weights(config.framework, spec, config.weights))
    return backend, model, config, imagenet_class_names(), spec.input_size


def _on_cpu(backend: Backend, precision: str, framework: str) -> str:
    return choose(precision, backend.capability("cpu"), framework)


def predict(
    paths: list[str],
    run_dir: str | None = None,
    config: TrainConfig | None = None,
    top: int = 3,
    precision: str = "auto",
) -> list[dict]:
    """The ``top`` classes and all probabilities of each image, from a run or ImageNet."""
    backend, model, config, names, size = load_predictor(run_dir, config, precision)
    probs = backend.predict_proba(
        model, read_images(paths, size), get_normalization(config.normalization_name)
    )
    out = []
    for path, p in zip(paths, probs):
        order = np.argsort(-p)[:top]
        out.append(
            {
                "image": str(Path(path)),
                "top": [(names[i], float(p[i])) for i in order],
                "probabilities": {n: float(v) for n, v in zip(names, p)},
            }
        )
    return out
