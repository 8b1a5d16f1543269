"""``train --init-from``: the starting weights of a run, from a weights file or a run folder of
either framework, checked layer by layer against the model before anything is written, and
ported to the framework that trains. A source trained for another number of classes gives
every layer but the last, which starts new (as an ImageNet start's head does)."""

from __future__ import annotations

from pathlib import Path

from ..arch import Spec, get_spec, spec_for, with_input_size
from ..backends import get_backend
from ..data.classes import CLASS_NAMES
from ..errors import ConfigError, WeightsError
from ..runs import RunDir
from .port import convert_weights
from .registry import layer_names

# file name endings -> the framework that wrote them (a run checkpoint included)
SUFFIXES = {".pt": "pytorch", ".pth": "pytorch", ".weights.h5": "keras", ".keras.npz": "keras"}


def locate(source: str, spec: Spec) -> tuple[Path, str, list[str] | None]:
    """(the weights file, its framework, its classes where a run records them) of
    ``--init-from SOURCE``."""
    path = Path(source)
    if path.is_dir():
        config = RunDir.open(path).config()
        size = spec_for(config).input_size
        theirs = (config.model, config.batchnorm, size)
        if theirs != (spec.name, spec.batchnorm, spec.input_size):
            raise ConfigError(
                f"--init-from {path}: that run trains {config.model} (batchnorm="
                f"{config.batchnorm}, {size} px), this one {spec.name} "
                f"(batchnorm={spec.batchnorm}, {spec.input_size} px)"
            )
        file = RunDir(path).checkpoint(get_backend(config.framework).Trainer.checkpoint_suffix)
        if not file.exists():
            raise ConfigError(f"--init-from {path}: that run has no checkpoint yet")
        return file, config.framework, list(config.classes or CLASS_NAMES["en"])
    if not path.is_file():
        raise ConfigError(f"--init-from {path}: no such file or run folder")
    for suffix, framework in SUFFIXES.items():
        if path.name.endswith(suffix):
            return path, framework, None
    raise ConfigError(
        f"--init-from {path}: not a weights file this tool reads (a name ending in "
        f"{', '.join(SUFFIXES)}), nor a run folder"
    )


def initial_weights(
    source: str, spec: Spec, framework: str, classes: list[str] | None = None
) -> dict:
    """The weights of ``source`` in ``framework``'s layout, for a model of ``spec`` whose
    outputs are ``classes`` (default: CIFAR-10's ten). Every layer's shape is checked in the
    file's own framework first, so an error names the file and the first layer that differs.
    A source of other classes (by number, or by name where its run records them) keeps its
    last layer: this run's starts new."""
    path, theirs, their_classes = locate(source, spec)
    backend = get_backend(theirs)
    count = len(their_classes) if their_classes else file_classes(path, theirs, spec)
    mine = list(classes or CLASS_NAMES["en"])
    other_task = count != spec.num_classes or (their_classes not in (None, mine))
    # the source's own model: this one with the source's number of outputs
    own = with_num_classes(spec, count) if count != spec.num_classes else spec
    try:
        weights = backend.load_file(path, own)
        backend.import_weights(backend.build(own), weights)
    except WeightsError as exc:
        message = str(exc)
        raise WeightsError(
            message if str(path) in message else f"--init-from {path}: {message}"
        ) from None
    weights = convert_weights(own, weights, theirs, framework)
    if not other_task:
        return weights
    # another task's classifier: this run's starts new
    drop = layer_names(spec.param_layers()[-1:], framework)
    return {k: v for k, v in weights.items() if k not in drop}


def with_num_classes(spec: Spec, classes: int) -> Spec:
    return with_input_size(get_spec(spec.name, classes, spec.batchnorm), spec.input_size)


def file_classes(path: Path, framework: str, spec: Spec) -> int:
    """The number of outputs a weights file's last layer has, where its format tells without
    a model (a PyTorch state_dict or checkpoint, a Keras run checkpoint); else this run's."""
    last = spec.param_layers()[-1]
    if framework == "pytorch":
        weights = get_backend("pytorch").load_file(path)
        found = weights.get(f"{last.name}.bias")
        return int(found.shape[0]) if found is not None else spec.num_classes
    if path.name.endswith(".keras.npz"):
        import numpy as np

        with np.load(path) as f:
            kept = sorted(int(k[1:]) for k in f.files if k[0] == "w" and k[1:].isdigit())
            # the last array is the classifier's bias
            return int(f[f"w{kept[-1]}"].shape[0]) if kept else spec.num_classes
    return spec.num_classes
