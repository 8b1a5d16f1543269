"""Keras 3 / TensorFlow backend: the same entry points as the PyTorch backend."""

import os

from ..startup import import_torch_first, tensorflow_notices_held

import_torch_first()
os.environ.setdefault("KERAS_BACKEND", "tensorflow")  # Keras must run on TensorFlow here

with tensorflow_notices_held():
    from .bench import bench, profile, time_layers, time_step
    from .model import (
        IMAGENET_READERS,
        build,
        export_weights,
        import_weights,
        load_file,
        predict_proba,
        save_file,
    )
    from .train import Trainer, capability, free_device_memory, resolve_device

CHECKPOINT = Trainer.checkpoint_suffix
