"""Framework backends, imported only when asked for, so one framework is enough.

Both backends are packages of the same shape, each file with the same job on both sides:

- model.py: the model built from an arch.Spec, weight import/export and weight files
- device.py: the device a --device name resolves to, what it computes in, the software and
  hardware a run records, the scope its variables live in
- precision.py: mixed precision (bf16 / fp16 with loss scaling) and subnormal flushing
- optim.py: the optimizer (torch.optim's rules), the learning-rate schedule, the weight average
- pipeline.py: the input pipeline from uint8 arrays (augmentation, resize, normalization)
- train.py: the trainer, the framework's calls of the shared loop in training/trainer.py
- distributed.py: several devices or machines
- bench.py: the ``Bench`` kit whose steps bench/kit.py times

and each exports what ``Backend`` lists.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from typing import Any, Protocol, cast

from ..errors import ConfigError
from .startup import import_torch_first

_MODULES = {
    "pytorch": ("alexnet_cifar.backends.pytorch", "torch", "pytorch"),
    "keras": ("alexnet_cifar.backends.keras", "tensorflow", "keras"),
}


class Backend(Protocol):
    """What ``get_backend`` returns: a backend package's public names."""

    IMAGENET_READERS: dict[str, Callable[..., dict]]  # registry source name -> reader
    Trainer: Any  # a training.trainer.Trainer subclass; its checkpoint_suffix names the file
    Bench: Any  # a bench.kit.BenchKit subclass, built from a TrainConfig

    def build(self, spec: Any, seed: int | None = None, precision: str = ...) -> Any: ...
    def export_weights(self, model: Any) -> dict: ...
    def import_weights(self, model: Any, weights: dict, fresh: Any = ...) -> None: ...
    def load_file(self, path: Any, spec: Any) -> dict: ...
    def save_file(self, model: Any, path: Any) -> None: ...
    def predict_proba(self, model: Any, images: Any, normalization: Any) -> Any: ...
    def resolve_device(self, name: str) -> Any: ...
    def capability(self, name: str) -> Any: ...
    def free_device_memory(self) -> None: ...


def installed(framework: str) -> bool:
    """Whether ``framework``'s package is importable here, found without importing it."""
    return importlib.util.find_spec(_MODULES[framework][1]) is not None


def get_backend(framework: str) -> Backend:
    """The backend package of ``framework`` (pytorch | keras), imported now; a missing
    framework is a ConfigError that names the extra to install."""
    if framework not in _MODULES:
        raise ConfigError(f"unknown framework {framework!r}; choose one of {', '.join(_MODULES)}")
    module, package, extra = _MODULES[framework]
    if framework == "keras":
        import_torch_first()
    try:
        return cast(Backend, importlib.import_module(module))
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.split(".")[0] in (package, "torchvision", "keras"):
            raise ConfigError(
                f"--framework {framework} needs {package}, which is not installed; "
                f"pip install 'alexnet-cifar[{extra}]'"
            ) from exc
        raise
