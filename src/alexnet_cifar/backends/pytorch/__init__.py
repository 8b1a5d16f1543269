"""PyTorch backend: the same entry points as the Keras backend."""

# torchvision loads triton; it must be loaded before anything imports tensorflow (TensorBoard's
# writer does, when TF is installed), or the two bundled LLVMs collide (design.md §7).
import torchvision  # noqa: F401

from .bench import bench
from .model import (AlexNet, build, export_weights, import_weights, load_file, predict_proba,
                    save_file, torchvision_state_dict)
from .train import CHECKPOINT, evaluate, resolve_device, train

__all__ = ["CHECKPOINT", "AlexNet", "bench", "build", "evaluate", "export_weights",
           "import_weights", "load_file", "predict_proba", "resolve_device", "save_file",
           "torchvision_state_dict", "train"]
