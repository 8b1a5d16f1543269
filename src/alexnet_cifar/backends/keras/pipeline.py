"""tf.data input pipeline from the uint8 arrays: gather a batch, augment it with Keras
preprocessing layers at 32 px, resize to the model's input, normalize; all inside the graph."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from keras import layers

from ...preprocess import Augmentation, Normalization
from ...training.schedule import epoch_seed


def augmenter(aug: Augmentation, seed: int):
    steps = []
    if aug.flip:
        steps.append(layers.RandomFlip("horizontal", seed=seed))
    if aug.translate:
        steps.append(
            layers.RandomTranslation(
                aug.translate, aug.translate, fill_mode="constant", seed=seed + 1
            )
        )
    if aug.rotate_deg:
        steps.append(
            layers.RandomRotation(aug.rotate_deg / 360.0, fill_mode="constant", seed=seed + 2)
        )
    if aug.zoom:
        steps.append(layers.RandomZoom((-aug.zoom, aug.zoom), fill_mode="constant", seed=seed + 3))
    return steps


class TFData:
    def __init__(
        self,
        images: np.ndarray,
        labels: np.ndarray,
        input_size: int,
        normalization: Normalization,
        augmentation: Augmentation,
        num_classes: int,
        seed: int = 0,
    ):
        self.images = tf.constant(np.ascontiguousarray(images))  # N,H,W,C uint8
        self.labels = tf.constant(np.asarray(labels, dtype=np.int64))
        self.n = len(labels)
        self.size = input_size
        self.norm = normalization
        self.num_classes = num_classes
        self.aug_layers = augmenter(augmentation, seed)
        self.mean = tf.constant(normalization.mean, tf.float32)
        self.std = tf.constant(normalization.std, tf.float32)

    def __len__(self) -> int:
        return self.n

    def transform(self, images: tf.Tensor, train: bool = False) -> tf.Tensor:
        x = tf.cast(images, tf.float32) / 255.0
        if train:
            for layer in self.aug_layers:
                x = layer(x, training=True)
        if x.shape[1] != self.size:
            x = tf.image.resize(x, (self.size, self.size), method="bilinear")
        if self.norm.bgr:
            x = x[..., ::-1]
        return (x * self.norm.scale - self.mean) / self.std

    def _from_order(self, order: np.ndarray, batch_size: int, train: bool) -> tf.data.Dataset:
        def gather(idx):
            x = self.transform(tf.gather(self.images, idx), train)
            y = tf.one_hot(tf.gather(self.labels, idx), self.num_classes)
            return x, y

        return (
            tf.data.Dataset.from_tensor_slices(order.astype(np.int64))
            .batch(batch_size)
            .map(gather, num_parallel_calls=tf.data.AUTOTUNE)
            .prefetch(tf.data.AUTOTUNE)
        )

    def epoch(self, batch_size: int, seed: int, epoch: int, steps: int) -> tf.data.Dataset:
        """Epoch ``epoch``'s ``steps`` batches; the order comes from the epoch's own seed, so a
        resumed run sees the order an uninterrupted one would have seen."""
        order = np.random.default_rng(epoch_seed(seed, epoch)).permutation(self.n)
        return self._from_order(order[: steps * batch_size], batch_size, train=True)

    def evaluation(self, batch_size: int) -> tf.data.Dataset:
        return self._from_order(np.arange(self.n), batch_size, train=False)
