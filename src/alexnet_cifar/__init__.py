"""AlexNet on CIFAR-10 in PyTorch and Keras.

The notebook API; every framework import is deferred to the call that needs it::

    from alexnet_cifar import load_cifar10, build_model, train, evaluate
"""

from .api import build_model, evaluate, port_weights, train  # (backends load lazily)
from .config import TrainConfig
from .data import Cifar10, load_cifar10  # (NumPy only)
from .version import __version__

__all__ = [
    "__version__",
    "Cifar10",
    "TrainConfig",
    "build_model",
    "evaluate",
    "load_cifar10",
    "port_weights",
    "train",
]
