"""resample.py's row and column weights: what both pipelines multiply a batch by for warps
without rotation (the grid_sample references live in the backend tests)."""

import numpy as np
import pytest

from alexnet_cifar.preprocess import AUGMENTATIONS, get_augmentation
from alexnet_cifar.resample import resize_weights, through_matrices, warp_weights
from alexnet_cifar.training.plan import affine_theta


def apply(rows, cols, images):
    """(N, S, S, C) from NHWC ``images`` through the weights, written out in NumPy."""
    return np.einsum("nhi,nijc,nwj->nhwc", rows, images, cols)


@pytest.mark.parametrize("size", [32, 224, 227])
@pytest.mark.parametrize("mirror", [False, True])
def test_every_output_pixel_is_a_convex_blend_of_at_most_two_neighbours(size, mirror):
    theta = affine_theta(16, get_augmentation("flip"), np.random.default_rng(0))
    theta[:, :, 2] = np.random.default_rng(1).uniform(-3, 3, (16, 2))  # far beyond the edge
    theta[:, 0, 0] *= np.random.default_rng(2).uniform(0.7, 1.3, 16)
    for m in warp_weights(theta, 32, size, mirror):
        assert m.shape == (16, size, 32) and m.dtype == np.float32
        np.testing.assert_allclose(m.sum(-1), 1.0, atol=1e-6)
        assert (m >= 0).all() and ((m > 0).sum(-1) <= 2).all()
        taps = [np.nonzero(row)[0] for row in m.reshape(-1, 32)]
        assert all(len(t) == 1 or t[1] == t[0] + 1 for t in taps)  # neighbours


def test_a_flip_at_the_same_size_reverses_the_columns_exactly():
    theta = np.array([[[-1, 0, 0], [0, 1, 0]]], np.float32)
    rows, cols = warp_weights(theta, 32, 32, False)
    np.testing.assert_array_equal(rows[0], np.eye(32))
    np.testing.assert_array_equal(cols[0], np.eye(32)[::-1])


def test_a_whole_pixel_crop_is_the_mirrored_pad_cropped():
    rng = np.random.default_rng(3)
    images = rng.integers(0, 256, (1, 32, 32, 3)).astype(np.float64)
    padded = np.pad(images, ((0, 0), (4, 4), (4, 4), (0, 0)), mode="symmetric")
    for kx, ky in [(-4, 4), (3, -2), (0, 0)]:
        theta = np.array([[[1, 0, kx * 2 / 32], [0, 1, ky * 2 / 32]]], np.float32)
        out = apply(*warp_weights(theta, 32, 32, True), images)
        np.testing.assert_allclose(out[0], padded[0, 4 + ky : 36 + ky, 4 + kx : 36 + kx], atol=1e-3)


def test_the_resize_repeats_the_border_and_keeps_a_constant_image():
    m = resize_weights(32, 224)
    assert m.shape == (1, 224, 32)
    np.testing.assert_allclose(m.sum(-1), 1.0, atol=1e-6)
    assert m[0, 0, 0] == 1.0 and m[0, -1, -1] == 1.0  # 7x: the first 3 outputs precede centre 0
    ramp = np.arange(32, dtype=np.float64)
    inner = m[0, 3:-3] @ ramp  # centres (j + 0.5) / 7 - 0.5 inside the image
    np.testing.assert_allclose(inner, (np.arange(3, 221) + 0.5) / 7 - 0.5, atol=1e-5)


def test_only_warps_without_rotation_to_a_larger_input_take_the_matrices():
    def taken(size):
        return {n for n, a in AUGMENTATIONS.items() if through_matrices(a, 32, size)}

    assert taken(224) == taken(227) == {"none", "flip", "crop"} and taken(32) == set()
    theta = affine_theta(4, get_augmentation("standard"), np.random.default_rng(0))
    with pytest.raises(ValueError, match="rotation"):
        warp_weights(theta, 32, 224, False)
