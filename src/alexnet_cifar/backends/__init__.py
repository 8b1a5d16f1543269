"""Framework backends, imported only when asked for, so one framework is enough."""

from __future__ import annotations

import importlib

from ..errors import ConfigError

_MODULES = {"pytorch": ("alexnet_cifar.backends.pytorch", "torch", "pytorch"),
            "keras": ("alexnet_cifar.backends.keras", "tensorflow", "keras")}


def get_backend(framework: str):
    if framework not in _MODULES:
        raise ConfigError(f"unknown framework {framework!r}; choose one of {', '.join(_MODULES)}")
    module, package, extra = _MODULES[framework]
    if framework == "keras":
        _import_torch_first()
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.split(".")[0] in (package, "torchvision", "keras"):
            raise ConfigError(f"--framework {framework} needs {package}, which is not installed; "
                              f"pip install 'alexnet-cifar[{extra}]'") from exc
        raise


def _import_torch_first() -> None:
    """TensorFlow imported before torch's triton segfaults the process (design.md §7)."""
    try:
        import torch  # noqa: F401
        import torchvision  # noqa: F401
    except ImportError:
        pass
