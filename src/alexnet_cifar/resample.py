"""Bilinear resampling of warps without rotation as two small matrices, decided once for both
frameworks.

A warp without rotation (a flip, a shift, a zoom, or nothing but the resize to the model's
input) moves the output's rows and columns independently: output row ``h`` samples input row
``v(h)``, output column ``w`` input column ``u(w)``. Bilinear sampling is then
``rows @ image @ cols.T`` per channel, with ``rows`` and ``cols`` holding each output pixel's two
weights along one axis: two batched matrix products that write the output once, in the
channels-last layout both models read, where a per-pixel sampler (``grid_sample``,
``ImageProjectiveTransform``) computes a grid of coordinates and four taps for each of the
224 x 224 outputs, then PyTorch still copies the result into channels-last memory.

The weights follow ``torch.nn.functional.grid_sample(align_corners=False)``: pixel centres at
half-pixel offsets, a coordinate beyond the image clamped to the edge (border) or mirrored about
it first (reflection, the crop's mirrored pad); TensorFlow's ``ImageProjectiveTransformV3`` with
``NEAREST`` and ``REFLECT`` samples the same points.
"""

from __future__ import annotations

import numpy as np

from .preprocess import Augmentation


def through_matrices(aug: Augmentation, in_size: int, out_size: int) -> bool:
    """``aug``'s warps resample through the matrices: they keep rows as rows (no rotation) and
    the model's input is larger than the stored image. At the stored size (32 px) the per-pixel
    warp is the cheaper one: 32 x 32 products cost more in their set-up than they save (2-core
    AMD EPYC Zen 4: 34,000 against 23,000 images/s), and the 32 px studies ran it."""
    return aug.rotate_deg == 0 and out_size != in_size


def axis_weights(
    scale: np.ndarray, offset: np.ndarray, in_size: int, out_size: int, mirror: bool
) -> np.ndarray:
    """(N, out_size, in_size) float32: row ``j`` of image ``n`` holds the bilinear weights of
    output pixel ``j``, which samples the normalized coordinate ``scale[n] * x_j + offset[n]``
    (x_j the pixel's centre in [-1, 1])."""
    centres = (2 * np.arange(out_size) + 1) / out_size - 1
    coord = np.asarray(scale, np.float64)[:, None] * centres + np.asarray(offset)[:, None]
    pixel = ((coord + 1) * in_size - 1) / 2  # pixel centres at 0 .. in_size - 1
    if mirror:  # fold about the image's outer edges, -0.5 and in_size - 0.5
        folded = np.abs(pixel + 0.5)
        flips, extra = np.floor(folded / in_size), np.fmod(folded, in_size)
        pixel = np.where(flips % 2 == 0, extra, in_size - extra) - 0.5
    pixel = np.clip(pixel, 0, in_size - 1)
    first = np.floor(pixel)
    frac = (pixel - first)[..., None]
    first = first.astype(np.int64)[..., None]
    second = np.minimum(first + 1, in_size - 1)
    index = np.arange(in_size)
    return ((1 - frac) * (index == first) + frac * (index == second)).astype(np.float32)


def warp_weights(
    theta: np.ndarray, in_size: int, out_size: int, mirror: bool
) -> tuple[np.ndarray, np.ndarray]:
    """(rows, cols) of the warps ``theta`` (N, 2, 3; training/plan.py's, without rotation), each
    (N, out_size, in_size)."""
    if np.any(theta[:, 0, 1]) or np.any(theta[:, 1, 0]):
        raise ValueError("a warp with rotation or shear has no row and column weights")
    cols = axis_weights(theta[:, 0, 0], theta[:, 0, 2], in_size, out_size, mirror)
    rows = axis_weights(theta[:, 1, 1], theta[:, 1, 2], in_size, out_size, mirror)
    return rows, cols


def resize_weights(in_size: int, out_size: int) -> np.ndarray:
    """(1, out_size, in_size): the plain bilinear resize, the same matrix for rows and
    columns (half-pixel centres, the border repeated)."""
    return axis_weights(np.ones(1), np.zeros(1), in_size, out_size, False)
