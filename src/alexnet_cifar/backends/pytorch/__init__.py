"""PyTorch backend: the same entry points as the Keras backend."""

# torchvision loads triton; it must be loaded before anything imports tensorflow, or the two
# bundled LLVMs collide and the process segfaults.
import torchvision  # noqa: F401

from .bench import bench
from .model import (
    IMAGENET_READERS,
    AlexNet,
    build,
    export_weights,
    imagenet_categories,
    import_weights,
    load_file,
    predict_proba,
    save_file,
)
from .train import Trainer, capability, free_device_memory, resolve_device

CHECKPOINT = Trainer.checkpoint_suffix
