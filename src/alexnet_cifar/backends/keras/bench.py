"""`alexnet-cifar bench --framework keras`: the Keras pieces of bench.run_bench, through the
tf.data pipeline."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import tensorflow as tf

import keras

from ...bench.kit import BenchKit
from ...preprocess import get_augmentation, get_normalization
from . import device
from .device import device_scope
from .model import build, layer_alone
from .optim import make_optimizer
from .pipeline import Pipeline


class Bench(BenchKit):
    framework = "keras"
    device_api = device

    def scope(self):
        return device_scope(self.config)

    def steps(self, precision: str):
        keras.utils.set_random_seed(0)
        model = build(self.spec, precision=precision)
        plan, decay = self.update_rules([layer.name for layer in model.layers if layer.weights])
        optimizer = make_optimizer(
            self.config, model, plan, decay, self.config.lr, loss_scaled=precision == "fp16"
        )
        model.compile(
            optimizer=optimizer,
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

    def update_step(self, precision):
        keras.utils.set_random_seed(0)
        model = build(self.spec, precision=precision)  # float32 variables in every policy
        plan, decay = self.update_rules([layer.name for layer in model.layers if layer.weights])
        optimizer = make_optimizer(self.config, model, plan, decay, self.config.lr)
        variables = model.trainable_variables
        gradients = [tf.random.normal(v.shape, dtype=v.dtype) for v in variables]
        optimizer.build(variables)

        @tf.function
        def step():  # as fit's train step applies it, inside the traced function
            optimizer.apply(gradients, variables)

        return step

    def layer_step(self, info, precision, batch_size):
        keras.utils.set_random_seed(0)

        def channels_last(shape):
            return (*shape[1:], shape[0]) if len(shape) == 3 else tuple(shape)

        inputs = keras.Input(channels_last(info.in_shape))
        y = inputs
        for layer in layer_alone(self.spec, info, precision):
            y = layer(y)
        model = keras.Model(inputs, y)
        x = tf.random.normal((batch_size, *channels_last(info.in_shape)))
        projection = tf.random.normal((batch_size, *channels_last(info.shape)))

        @tf.function
        def step():
            with tf.GradientTape() as tape:
                tape.watch(x)
                loss = tf.reduce_sum(tf.cast(model(x, training=True), tf.float32) * projection)
            return tape.gradient(loss, [x, *model.trainable_variables])

        return step

    @staticmethod
    @contextmanager
    def profile(trace_dir: Path):
        """TensorFlow's profiler over the block, its trace written into ``trace_dir`` (TensorBoard's
        Profile tab)."""
        tf.profiler.experimental.start(str(trace_dir))
        try:
            yield
        finally:
            tf.profiler.experimental.stop()
