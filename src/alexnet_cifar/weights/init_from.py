"""``train --init-from``: the starting weights of a run, from a weights file or a run folder of
either framework, checked layer by layer against the model before anything is written, and
ported to the framework that trains."""

from __future__ import annotations

from pathlib import Path

from ..arch import Spec
from ..backends import get_backend
from ..errors import ConfigError, WeightsError
from ..runs import RunDir
from .port import convert_weights

# file name endings -> the framework that wrote them (a run checkpoint included)
SUFFIXES = {".pt": "pytorch", ".pth": "pytorch", ".weights.h5": "keras", ".keras.npz": "keras"}


def locate(source: str, spec: Spec) -> tuple[Path, str]:
    """(the weights file, its framework) of ``--init-from SOURCE``."""
    path = Path(source)
    if path.is_dir():
        config = RunDir.open(path).config()
        theirs = (config.model, config.batchnorm, config.num_classes)
        if theirs != (spec.name, spec.batchnorm, spec.num_classes):
            raise ConfigError(
                f"--init-from {path}: that run trains {config.model} (batchnorm="
                f"{config.batchnorm}, {config.num_classes} classes), this one {spec.name} "
                f"(batchnorm={spec.batchnorm}, {spec.num_classes} classes)"
            )
        file = RunDir(path).checkpoint(get_backend(config.framework).Trainer.checkpoint_suffix)
        if not file.exists():
            raise ConfigError(f"--init-from {path}: that run has no checkpoint yet")
        return file, config.framework
    if not path.is_file():
        raise ConfigError(f"--init-from {path}: no such file or run folder")
    for suffix, framework in SUFFIXES.items():
        if path.name.endswith(suffix):
            return path, framework
    raise ConfigError(
        f"--init-from {path}: not a weights file this tool reads (a name ending in "
        f"{', '.join(SUFFIXES)}), nor a run folder"
    )


def initial_weights(source: str, spec: Spec, framework: str) -> dict:
    """The weights of ``source`` in ``framework``'s layout, for a model of ``spec``. Every
    layer's shape is checked in the file's own framework first, so an error names the file and
    the first layer that differs."""
    path, theirs = locate(source, spec)
    backend = get_backend(theirs)
    try:
        weights = backend.load_file(path, spec)
        backend.import_weights(backend.build(spec), weights)
    except WeightsError as exc:
        message = str(exc)
        raise WeightsError(
            message if str(path) in message else f"--init-from {path}: {message}"
        ) from None
    return convert_weights(spec, weights, theirs, framework)
