"""PyTorch backend: the same entry points as the Keras backend."""

from ..startup import import_torch_first

import_torch_first()  # before anything imports TensorFlow (backends/startup.py says why)

from .precision import flush_denormals, full_float32

flush_denormals()  # before torch starts its CPU threads, which inherit the setting
full_float32()

from .bench import Bench
from .device import capability, free_device_memory, resolve_device
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
from .train import Trainer
