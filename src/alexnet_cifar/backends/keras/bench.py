"""`alexnet-cifar bench --framework keras`: the Keras pieces of bench.run_bench, through the
tf.data pipeline."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import tensorflow as tf

import keras

from ...arch import spec_for
from ...bench import BenchKit, run_bench
from ...config import TrainConfig
from ...preprocess import get_augmentation, get_normalization
from ...training.precision import choose
from .model import build
from .pipeline import Pipeline
from .train import capability, device_scope, hardware, resolve_device, software


class KerasBench(BenchKit):
    framework = "keras"

    def __init__(self, config: TrainConfig):
        self.config = config
        self.device = resolve_device(config.device)
        cap = capability(config.device)
        precision = choose(config.precision, cap, "keras")
        super().__init__(spec_for(config), precision, software(), hardware(self.device), cap.bf16)

    def scope(self):
        return device_scope(self.config)

    def steps(self, precision: str):
        keras.utils.set_random_seed(0)
        model = build(self.spec, precision=precision)
        optimizer = keras.optimizers.SGD(1e-3, momentum=0.9)
        model.compile(
            optimizer=keras.optimizers.LossScaleOptimizer(optimizer)
            if precision == "fp16"
            else optimizer,
            loss=keras.losses.CategoricalCrossentropy(from_logits=True),
            jit_compile=self.config.compile,
        )
        return model.train_on_batch, model.predict_on_batch

    def pipeline(self, images, labels, augment: str) -> Pipeline:
        norm, aug = get_normalization("cifar"), get_augmentation(augment)
        return Pipeline(images, labels, self.spec.input_size, norm, aug, self.spec.num_classes)

    def batches(self, images, labels, augment, batch_size):
        pipe = self.pipeline(images, labels, augment)
        return iter(pipe.epoch(batch_size, 0, 0, len(pipe) // batch_size).repeat())


def bench(config: TrainConfig, data, **options) -> dict:
    return run_bench(KerasBench(config), data, **options)


@contextmanager
def profile(trace_dir: Path):
    """TensorFlow's profiler over the block, its trace written into ``trace_dir`` (TensorBoard's
    Profile tab)."""
    tf.profiler.experimental.start(str(trace_dir))
    try:
        yield
    finally:
        tf.profiler.experimental.stop()
