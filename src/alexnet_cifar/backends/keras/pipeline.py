"""tf.data input pipeline from the uint8 arrays: gather a batch, normalize, warp it straight to
the model's input size (resample.py's two matrix products, or a per-pixel warp for rotations);
all inside the graph. Which images and which warps come from
training/plan.py, the same for PyTorch."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from ...preprocess import Augmentation, Normalization
from ...resample import resize_weights, through_matrices, warp_weights
from ...training.plan import epoch_plan, pixel_transforms

# tf.data's autotuner is off: deleting an iterator waits for the autotuner's thread to wake,
# up to a minute, and a Keras fit per epoch deletes one every epoch (measured: 10-58 s added
# to 1-3 minute epochs on a 2-core CPU). A batch is one gather and one warp on the whole
# batch, so a fixed 2 in flight keep the steps fed (pipeline/compute 0.97-1.01 in
# results/time-breakdown-cpu-icelake.json).
PARALLEL_BATCHES = 2
FIXED_PARALLELISM = tf.data.Options()
FIXED_PARALLELISM.autotune.enabled = False


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
        self.resize = tf.constant(resize_weights(self.in_size, input_size))

    def __len__(self) -> int:
        return self.n

    def transform(
        self,
        images: tf.Tensor,
        transforms: tf.Tensor | None = None,
        corners: tf.Tensor | None = None,
        axes: tuple[tf.Tensor, tf.Tensor] | None = None,
    ) -> tf.Tensor:
        """uint8 NHWC -> normalized float NHWC; ``transforms`` (N, 8, from plan.pixel_transforms)
        warp each normalized image (bilinear; border repeated, or mirrored for crops) straight
        at the output size, or ``axes``, resample.py's (rows, cols), warps without rotation;
        ``corners`` (N, 2) place each image's cutout square."""
        x = self._normalize(tf.cast(images, tf.float32) / 255.0)
        if axes is not None:
            x = self._resample(x, *axes)
        elif transforms is not None:
            x = tf.raw_ops.ImageProjectiveTransformV3(
                images=x,
                transforms=transforms,
                output_shape=tf.constant([self.size, self.size], tf.int32),
                fill_value=tf.constant(0.0),
                interpolation="BILINEAR",
                fill_mode="REFLECT" if self.aug.mirror else "NEAREST",
            )
        elif x.shape[1] != self.size:
            x = self._resample(x, self.resize, self.resize)
        if corners is not None:
            x = tf.where(self._cutout_mask(corners), 0.0, x)
        return x

    def _normalize(self, x: tf.Tensor) -> tf.Tensor:
        """Channel order and scale before the warp, at the stored size, as the PyTorch
        pipeline does (the warp commutes with it)."""
        if self.norm.bgr:
            x = x[..., ::-1]
        return (x * self.norm.scale - self.mean) / self.std

    def _resample(self, x: tf.Tensor, rows: tf.Tensor, cols: tf.Tensor) -> tf.Tensor:
        """NHWC ``x`` through resample.py's matrices ((N or 1, S, side)): columns, then rows,
        in the PyTorch pipeline's order."""
        n, side, c = tf.shape(x)[0], self.in_size, 3
        by_column = tf.reshape(tf.transpose(x, [0, 2, 1, 3]), [n, side, side * c])
        across = tf.reshape(tf.matmul(cols, by_column), [n, self.size, side, c])
        by_row = tf.reshape(tf.transpose(across, [0, 2, 1, 3]), [n, side, self.size * c])
        return tf.reshape(tf.matmul(rows, by_row), [n, self.size, self.size, c])

    def _axes(self, theta: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        """resample.py's (rows, cols) of a batch's warps, computed by the same NumPy code that
        feeds PyTorch."""

        def weights(t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            return warp_weights(t, self.in_size, self.size, self.aug.mirror)

        rows, cols = tf.numpy_function(weights, [theta], [tf.float32, tf.float32])
        shape = [None, self.size, self.in_size]
        rows.set_shape(shape)
        cols.set_shape(shape)
        return rows, cols

    def _cutout_mask(self, corners: tf.Tensor) -> tf.Tensor:
        """(N, S, S, 1), True inside each image's square (rows and columns from its corner)."""
        pixels = tf.range(self.size, dtype=corners.dtype)
        start, stop = corners[:, :, None], corners[:, :, None] + self.aug.cutout
        inside = (pixels >= start) & (pixels < stop)  # (N, 2, S): rows, columns
        return (inside[:, 0, :, None] & inside[:, 1, None, :])[..., None]

    def warps(self, theta: np.ndarray | None) -> dict:
        """The batch slices that carry the warps ``theta``: ``theta`` itself where resample.py's
        weights take them (computed a batch at a time), else the per-pixel transforms."""
        if theta is None:
            return {}
        if through_matrices(self.aug, self.in_size, self.size):
            return {"theta": theta}
        return {"transforms": pixel_transforms(theta, self.in_size, self.size)}

    def _batches(
        self, order: np.ndarray, batch_size: int, theta=None, corners=None, mirror=False
    ) -> tf.data.Dataset:
        def gather(part):
            x = tf.gather(self.images, part["idx"])
            x = x[:, :, ::-1] if mirror else x
            axes = self._axes(part["theta"]) if "theta" in part else None
            x = self.transform(x, part.get("transforms"), part.get("corners"), axes)
            return x, tf.one_hot(tf.gather(self.labels, part["idx"]), self.num_classes)

        parts = {"idx": order, **self.warps(theta), "corners": corners}
        slices = {k: v for k, v in parts.items() if v is not None}
        return (
            tf.data.Dataset.from_tensor_slices(slices)
            .batch(batch_size)
            .map(gather, num_parallel_calls=PARALLEL_BATCHES, deterministic=True)
            .prefetch(PARALLEL_BATCHES)
            .with_options(FIXED_PARALLELISM)
        )

    def epoch(
        self, batch_size: int, seed: int, epoch: int, steps: int, part: slice = slice(None)
    ) -> tf.data.Dataset:
        """Epoch ``epoch``'s ``steps`` training batches, as training/plan.py decides them;
        ``part`` of each (a data-parallel worker's share)."""
        plan = epoch_plan(self.n, batch_size, steps, self.aug, seed, epoch, self.size)
        plan = plan.share(part)
        return self._batches(plan.order, plan.batch_size, plan.theta, plan.corners)

    def evaluation(self, batch_size: int, mirror: bool = False) -> tf.data.Dataset:
        """Every image once, in order, only resized (and mirrored left to right: --tta)."""
        return self._batches(np.arange(self.n, dtype=np.int64), batch_size, mirror=mirror)
