"""The tf.data pipeline's two warps: resample.py's matrix products for warps without rotation
against TensorFlow's per-pixel ImageProjectiveTransform, which samples the same points."""

import numpy as np
import pytest

pytest.importorskip("tensorflow")

from alexnet_cifar.backends.keras.pipeline import Pipeline  # noqa: E402
from alexnet_cifar.preprocess import get_augmentation, get_normalization  # noqa: E402
from alexnet_cifar.training.plan import affine_theta, pixel_transforms  # noqa: E402


@pytest.mark.parametrize("augment", ["flip", "crop"])
@pytest.mark.parametrize("size", [32, 227])  # 227: no whole ratio to 32 px
def test_warps_without_rotation_equal_the_per_pixel_transform(augment, size):
    import tensorflow as tf

    rng = np.random.default_rng(6)
    images = rng.integers(0, 256, (16, 32, 32, 3), dtype=np.uint8)
    aug = get_augmentation(augment)
    pipe = Pipeline(images, np.arange(16) % 10, size, get_normalization("cifar"), aug, 10)
    theta = affine_theta(16, aug, rng)
    theta[:, 0, 0] *= rng.uniform(0.7, 1.3, 16).astype(np.float32)
    theta[:, :, 2] = rng.uniform(-3, 3, (16, 2))
    x = tf.constant(images)
    axes = pipe.transform(x, axes=pipe._axes(tf.constant(theta)))
    per_pixel = pipe.transform(x, tf.constant(pixel_transforms(theta, 32, size)))
    assert axes.shape == (16, size, size, 3)
    np.testing.assert_allclose(axes.numpy(), per_pixel.numpy(), atol=1e-4)
    fed = np.concatenate([b.numpy() for b, _ in pipe.epoch(8, 0, 0, 2)])
    assert fed.shape == (16, size, size, 3) and np.isfinite(fed).all()
