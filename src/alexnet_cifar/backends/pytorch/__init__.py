"""PyTorch backend: the same entry points as the Keras backend."""

# torchvision loads triton; it must be loaded before anything imports tensorflow, or the two
# bundled LLVMs collide and the process segfaults.
import torchvision  # noqa: F401

from .bench import bench
from .model import (AlexNet, IMAGENET_READERS, build, export_weights, import_weights, load_file,
                    predict_proba, save_file)
from .train import Trainer, resolve_device

CHECKPOINT = Trainer.checkpoint_suffix

__all__ = ["CHECKPOINT", "IMAGENET_READERS", "AlexNet", "Trainer", "bench", "build",
           "export_weights", "import_weights", "load_file", "predict_proba", "resolve_device",
           "save_file"]
