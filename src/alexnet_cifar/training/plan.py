"""What an epoch feeds the model, decided once in NumPy for both frameworks: the order of the
training images and every image's augmentation, as an affine matrix. A backend only gathers the
images and warps them with the matrix (bilinear, border fill, sampled straight at the model's
input size), so PyTorch and Keras see the same batches, and a resumed run the same epoch."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..preprocess import CROP_SIDE, Augmentation


def epoch_seed(seed: int, epoch: int) -> int:
    """Each epoch reseeds every generator it uses, so a resumed run repeats exactly."""
    return (seed * 1_000_003 + epoch * 7919) % (2**31)


def steps_per_epoch(n_train: int, batch_size: int) -> int:
    return n_train // batch_size  # the last partial batch is dropped (BatchNorm needs >1 image)


@dataclass(frozen=True)
class EpochPlan:
    """``order``: indices into the training split, ``steps * batch_size`` of them, in feeding
    order. ``theta``: per fed image, the 2x3 matrix that maps output coordinates to input
    coordinates, both in [-1, 1] with pixel corners at +-1 (``torch.nn.functional.affine_grid``
    with ``align_corners=False``); None when the images are only resized."""

    order: np.ndarray
    theta: np.ndarray | None
    batch_size: int
    # per fed image, the top-left (row, column) of its cutout square at the model's input size
    # (it may start outside the image: the square is then cut by the border); None: no cutout
    corners: np.ndarray | None = None

    @property
    def steps(self) -> int:
        return len(self.order) // self.batch_size

    def batch(self, step: int) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
        """(indices, warps, cutout corners) of batch ``step``."""
        part = slice(step * self.batch_size, (step + 1) * self.batch_size)
        return self.order[part], *(
            None if a is None else a[part] for a in (self.theta, self.corners)
        )

    def share(self, part: slice) -> EpochPlan:
        """The plan of a data-parallel rank: ``part`` of every batch (training/distributed.py's
        World.part), in the same order, with the same warps and cutouts."""

        def rows(a: np.ndarray | None) -> np.ndarray | None:
            if a is None:
                return None
            by_batch = a.reshape(self.steps, self.batch_size, *a.shape[1:])[:, part]
            return by_batch.reshape(-1, *a.shape[1:])

        width = len(range(self.batch_size)[part])
        return EpochPlan(rows(self.order), rows(self.theta), width, rows(self.corners))


def affine_theta(count: int, aug: Augmentation, rng: np.random.Generator) -> np.ndarray | None:
    """``count`` random warps of ``aug``: a horizontal flip, a shift of up to ``translate`` of
    the side, a rotation of up to ``rotate_deg`` and a zoom by up to ``zoom``, one matrix each.
    Every parameter is drawn for every image whatever the policy, so the draws of one policy do
    not shift when another is switched on."""
    if aug.name == "none":
        return None
    flip = np.where((rng.random(count) < 0.5) & aug.flip, -1.0, 1.0)
    shift = rng.uniform(-1.0, 1.0, (2, count)) * 2 * aug.translate  # [-1, 1] spans 2 sides
    if aug.crop:  # whole pixels k in [-P, P] of the CROP_SIDE image, P = translate x side
        most = round(aug.translate * CROP_SIDE)
        k = np.minimum(np.floor((shift / (2 * aug.translate) + 1) / 2 * (2 * most + 1)), 2 * most)
        shift = (k - most) * 2 / CROP_SIDE
    angle = np.deg2rad(rng.uniform(-1.0, 1.0, count) * aug.rotate_deg)
    scale = 1.0 + rng.uniform(-1.0, 1.0, count) * aug.zoom
    cos, sin = np.cos(angle) / scale, np.sin(angle) / scale
    theta = np.stack(
        [np.stack([cos * flip, -sin, shift[0]], 1), np.stack([sin * flip, cos, shift[1]], 1)], 1
    )
    return theta.astype(np.float32)


def cutout_corners(count: int, side: int, size: int, rng: np.random.Generator) -> np.ndarray | None:
    """``count`` squares of ``side`` px centred on a uniform random pixel of the ``size`` px
    input (DeVries and Taylor's cutout: near the border part of the square falls outside)."""
    if not side:
        return None
    centres = rng.integers(0, size, (count, 2))
    return (centres - side // 2).astype(np.int32)


def epoch_plan(
    n: int, batch_size: int, steps: int, aug: Augmentation, seed: int, epoch: int, size: int = 32
) -> EpochPlan:
    """Epoch ``epoch`` of a run seeded ``seed``: a permutation of the ``n`` training images cut
    to ``steps`` full batches, their warps and cutouts (at the ``size`` px input); a function
    of (seed, epoch) alone."""
    rng = np.random.default_rng(epoch_seed(seed, epoch))
    order = rng.permutation(n)[: steps * batch_size].astype(np.int64)
    theta = affine_theta(len(order), aug, rng)
    return EpochPlan(order, theta, batch_size, cutout_corners(len(order), aug.cutout, size, rng))


def pixel_transforms(theta: np.ndarray, in_size: int, out_size: int) -> np.ndarray:
    """``theta`` in pixel units, as TensorFlow's ImageProjectiveTransform reads it: (N, 8)
    rows ``a0 a1 a2 b0 b1 b2 0 0`` mapping the output pixel (x, y) to the input point
    ``(a0 x + a1 y + a2, b0 x + b1 y + b2)``, pixel centres at integers."""
    # output pixel j -> [-1, 1]: (2j + 1) / S - 1; [-1, 1] -> input pixel: (W u + W - 1) / 2
    to_unit = np.array(
        [[2 / out_size, 0, 1 / out_size - 1], [0, 2 / out_size, 1 / out_size - 1], [0, 0, 1]]
    )
    to_pixel = np.array(
        [[in_size / 2, 0, (in_size - 1) / 2], [0, in_size / 2, (in_size - 1) / 2], [0, 0, 1]]
    )
    full = np.concatenate([theta, np.broadcast_to([0.0, 0.0, 1.0], (len(theta), 1, 3))], 1)
    pixel = to_pixel @ full.astype(np.float64) @ to_unit
    return np.concatenate([pixel[:, :2, :].reshape(-1, 6), np.zeros((len(theta), 2))], 1).astype(
        np.float32
    )
