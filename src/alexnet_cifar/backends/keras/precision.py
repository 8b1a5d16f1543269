"""What a Keras run computes in: Keras' mixed-precision policies for bf16 and fp16, and fp16's
loss scaling with the constants PyTorch's GradScaler gets. TensorFlow flushes subnormal floats
to zero on the CPU by itself (training/precision.py's FLUSH_DENORMALS)."""

from __future__ import annotations

import tensorflow as tf

import keras

from ...training.precision import LOSS_SCALE_GROWTH_STEPS, LOSS_SCALE_START, TF32

POLICIES = {"fp32": "float32", "bf16": "mixed_bfloat16", "fp16": "mixed_float16"}


def loss_scaled(optimizer: keras.optimizers.Optimizer) -> keras.optimizers.Optimizer:
    """``optimizer`` under dynamic loss scaling, as GradScaler runs PyTorch's under fp16."""
    return keras.optimizers.LossScaleOptimizer(
        optimizer, initial_scale=LOSS_SCALE_START, dynamic_growth_steps=LOSS_SCALE_GROWTH_STEPS
    )


def full_float32() -> None:
    """training/precision.py's TF32 for TensorFlow's float32 matrix products and convolutions."""
    tf.config.experimental.enable_tensor_float_32_execution(TF32)
