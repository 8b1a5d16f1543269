"""Keras 3 / TensorFlow backend: the same entry points as the PyTorch backend."""

import os

# Keras must run on TensorFlow here; and TF's C++ start-up banner says nothing a user needs.
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from .bench import bench  # noqa: E402
from .model import (build, export_weights, import_weights, load_file, predict_proba,  # noqa: E402
                    save_file, vgg16_imagenet)
from .train import CHECKPOINT, evaluate, resolve_device, train  # noqa: E402

__all__ = ["CHECKPOINT", "bench", "build", "evaluate", "export_weights", "import_weights",
           "load_file", "predict_proba", "resolve_device", "save_file", "train",
           "vgg16_imagenet"]
