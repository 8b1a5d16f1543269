"""Keras 3 / TensorFlow backend: the same entry points as the PyTorch backend."""

import os

from ..startup import import_torch_first, tensorflow_notices_held

import_torch_first()
os.environ.setdefault("KERAS_BACKEND", "tensorflow")  # Keras must run on TensorFlow here

with tensorflow_notices_held():  # importing TensorFlow and listing its GPUs log notices
    from .device import grow_gpu_memory

    grow_gpu_memory()  # before TensorFlow first uses a GPU; device.py says why

    from .precision import full_float32

    full_float32()

    from .bench import Bench
    from .device import capability, free_device_memory, resolve_device
    from .model import (
        IMAGENET_READERS,
        build,
        export_weights,
        import_weights,
        load_file,
        predict_proba,
        save_file,
    )
    from .train import Trainer
