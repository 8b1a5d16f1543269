"""tf.data input pipeline from the uint8 arrays: gather a batch, warp it straight to the model's
input size, normalize; all inside the graph. Which images and which warps come from
training/plan.py, the same for PyTorch."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from ...preprocess import Augmentation, Normalization
from ...training.plan import epoch_plan, pixel_transforms


class Pipeline:
    def __init__(
        self,
        images: np.ndarray,
        labels: np.ndarray,
        input_size: int,
        normalization: Normalization,
        augmentation: Augmentation,
        num_classes: int,
    ):
        self.images = tf.constant(np.ascontiguousarray(images))  # N,H,W,C uint8
        self.labels = tf.constant(np.asarray(labels, dtype=np.int64))
        self.n = len(labels)
        self.in_size = images.shape[1]
        self.size = input_size
        self.norm = normalization
        self.aug = augmentation
        self.num_classes = num_classes
        self.mean = tf.constant(normalization.mean, tf.float32)
        self.std = tf.constant(normalization.std, tf.float32)

    def __len__(self) -> int:
        return self.n

    def transform(self, images: tf.Tensor, transforms: tf.Tensor | None = None) -> tf.Tensor:
        """uint8 NHWC -> normalized float NHWC; ``transforms`` (N, 8, from plan.pixel_transforms)
        warp each image (bilinear, border fill) straight at the output size."""
        x = tf.cast(images, tf.float32) / 255.0
        if transforms is not None:
            x = tf.raw_ops.ImageProjectiveTransformV3(
                images=x,
                transforms=transforms,
                output_shape=tf.constant([self.size, self.size], tf.int32),
                fill_value=tf.constant(0.0),
                interpolation="BILINEAR",
                fill_mode="NEAREST",
            )
        elif x.shape[1] != self.size:
            x = tf.image.resize(x, (self.size, self.size), method="bilinear")
        if self.norm.bgr:
            x = x[..., ::-1]
        return (x * self.norm.scale - self.mean) / self.std

    def warps(self, theta: np.ndarray | None) -> np.ndarray | None:
        return None if theta is None else pixel_transforms(theta, self.in_size, self.size)

    def _batches(self, order: np.ndarray, batch_size: int, theta=None) -> tf.data.Dataset:
        def gather(idx, *warp):
            x = self.transform(tf.gather(self.images, idx), *warp)
            return x, tf.one_hot(tf.gather(self.labels, idx), self.num_classes)

        slices = (order,) if theta is None else (order, self.warps(theta))
        return (
            tf.data.Dataset.from_tensor_slices(slices)
            .batch(batch_size)
            .map(gather, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
            .prefetch(tf.data.AUTOTUNE)
        )

    def epoch(
        self, batch_size: int, seed: int, epoch: int, steps: int, part: slice = slice(None)
    ) -> tf.data.Dataset:
        """Epoch ``epoch``'s ``steps`` training batches, as training/plan.py decides them;
        ``part`` of each (a data-parallel worker's share)."""
        plan = epoch_plan(self.n, batch_size, steps, self.aug, seed, epoch).share(part)
        return self._batches(plan.order, plan.batch_size, plan.theta)

    def evaluation(self, batch_size: int) -> tf.data.Dataset:
        """Every image once, in order, only resized."""
        return self._batches(np.arange(self.n, dtype=np.int64), batch_size)
