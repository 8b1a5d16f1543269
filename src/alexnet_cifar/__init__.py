"""AlexNet on CIFAR-10 in PyTorch and Keras.

The notebook API; every framework import is deferred to the call that needs it::

    from alexnet_cifar import load_cifar10, build_model, train, evaluate
"""

__version__ = "0.1.0"

from .api import build_model, evaluate, port_weights, train  # noqa: E402  (lazy backends)
from .config import TrainConfig  # noqa: E402
from .data import Cifar10, load_cifar10  # noqa: E402  (NumPy only)

__all__ = ["__version__", "Cifar10", "TrainConfig", "build_model", "evaluate", "load_cifar10",
           "port_weights", "train"]
