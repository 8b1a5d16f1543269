"""Where a Keras run computes: the device a --device name resolves to, what it can compute in,
the software and hardware its records name, and the scope that places its variables."""

from __future__ import annotations

from contextlib import AbstractContextManager

import tensorflow as tf

import keras

from ...config import TrainConfig
from ...training.devices import use_gpu
from ...training.distributed import World
from ...training.precision import Capability, cpu_capability, cuda_capability
from . import distributed


def grow_gpu_memory() -> None:
    """TensorFlow takes a GPU's whole memory at first use by default, which would leave none
    to the PyTorch rows of the same study or notebook: take it as needed instead."""
    for gpu in tf.config.list_physical_devices("GPU"):
        try:
            tf.config.experimental.set_memory_growth(gpu, True)
        except RuntimeError:  # the GPU is initialised already: too late, and set before
            pass


def free_device_memory() -> None:
    """Nothing to do: with memory growth TensorFlow keeps what it took for its next run."""


def resolve_device(name: str) -> str:
    gpu = use_gpu(
        name,
        "keras",
        visible=bool(tf.config.list_physical_devices("GPU")),
        build=f"TensorFlow {tf.__version__}",
        cuda_build=tf.test.is_built_with_cuda(),
    )
    return "gpu" if gpu else "cpu"


def capability(name: str) -> Capability:
    """What Keras computes in on device ``name``: mixed_float16 with loss scaling everywhere
    (on the CPU through Eigen, slowly), mixed_bfloat16 where the hardware has bf16."""
    if resolve_device(name) == "gpu":
        gpu = tf.config.list_physical_devices("GPU")[0]
        details = tf.config.experimental.get_device_details(gpu)
        cc = tuple(details.get("compute_capability") or (0, 0))
        return cuda_capability(details.get("device_name", "GPU"), cc)
    return cpu_capability()


def software() -> dict:
    return {
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "keras_backend": keras.backend.backend(),
    }


def hardware(device: str) -> dict:
    info = {"device": device}
    if device == "gpu":
        gpu = tf.config.list_physical_devices("GPU")[0]
        info["gpu"] = tf.config.experimental.get_device_details(gpu).get("device_name", "GPU")
    return info


def device_scope(config: TrainConfig) -> AbstractContextManager:
    """Where the trainer's variables live: on every worker of a TF_CONFIG cluster, mirrored
    over this machine's devices where it has several (GPUs, or CPUs split into logical
    devices), else on the one device."""
    if World.from_env("keras").size > 1:
        return distributed.strategy().scope()
    device = resolve_device(config.device)
    local = distributed.local_devices(device)
    if len(local) > 1:
        return distributed.mirrored(tuple(local)).scope()
    return tf.device("/GPU:0" if device == "gpu" else "/CPU:0")
