"""Keras 3 / TensorFlow backend: the same entry points as the PyTorch backend."""

import os

# Keras must run on TensorFlow here; and TF's C++ start-up banner says nothing a user needs.
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from .bench import bench  # noqa: E402
from .model import (  # noqa: E402
    IMAGENET_READERS,
    build,
    export_weights,
    import_weights,
    load_file,
    predict_proba,
    save_file,
)
from .train import Trainer, capability, free_device_memory, resolve_device  # noqa: E402

CHECKPOINT = Trainer.checkpoint_suffix
