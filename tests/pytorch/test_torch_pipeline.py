"""The on-device input pipeline: sizes, normalization, augmentation determinism."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
F = torch.nn.functional

from alexnet_cifar.backends.pytorch.pipeline import Pipeline  # noqa: E402
from alexnet_cifar.preprocess import get_augmentation, get_normalization  # noqa: E402
from alexnet_cifar.training.plan import affine_theta  # noqa: E402


def data(aug="none", norm="cifar", size=32, n=8):
    x = np.random.default_rng(0).integers(0, 256, (n, 32, 32, 3), dtype=np.uint8)
    return Pipeline(
        x,
        np.arange(n) % 10,
        torch.device("cpu"),
        size,
        get_normalization(norm),
        get_augmentation(aug),
    ), x


def test_normalization_uses_the_named_statistics():
    d, x = data()
    out = d.transform(d.images)
    norm = get_normalization("cifar")
    expected = (x.transpose(0, 3, 1, 2) / 255.0 - np.reshape(norm.mean, (1, 3, 1, 1))) / np.reshape(
        norm.std, (1, 3, 1, 1)
    )
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-5, atol=1e-5)


def test_caffe_normalization_is_bgr_0_255_mean_subtracted():
    d, x = data(norm="caffe")
    out = d.transform(d.images).numpy()
    np.testing.assert_allclose(out[:, 0], x[..., 2] - 103.939, atol=1e-3)  # B first
    np.testing.assert_allclose(out[:, 2], x[..., 0] - 123.68, atol=1e-3)


def test_resize_to_model_input_is_bilinear():
    d, x = data(size=224)
    out = d.transform(d.images)
    assert out.shape == (8, 3, 224, 224)
    ref = F.interpolate(
        torch.from_numpy(x).permute(0, 3, 1, 2).float() / 255,
        size=224,
        mode="bilinear",
        align_corners=False,
    )
    norm = get_normalization("cifar")
    mean = torch.tensor(norm.mean).view(1, 3, 1, 1)
    std = torch.tensor(norm.std).view(1, 3, 1, 1)
    # resample.py's products round differently from interpolate's taps, by float32 steps
    torch.testing.assert_close(out, (ref - mean) / std, atol=1e-4, rtol=0)


def test_flip_augmentation_flips_some_images_exactly():
    d, _ = data(aug="flip")
    theta = affine_theta(8, get_augmentation("flip"), np.random.default_rng(0))
    plain, flipped = d.transform(d.images), d.transform(d.images, theta)
    same = [torch.allclose(flipped[i], plain[i], atol=1e-5) for i in range(8)]
    mirrored = [torch.allclose(flipped[i], plain[i].flip(-1), atol=1e-5) for i in range(8)]
    assert all(s or m for s, m in zip(same, mirrored)) and any(mirrored) and any(same)


def test_an_epoch_is_a_function_of_seed_and_epoch_alone():
    d, _ = data(aug="standard", size=64, n=10)
    a = list(d.epoch(4, 5, 0, 2))
    b = list(d.epoch(4, 5, 0, 2))
    c = list(d.epoch(4, 5, 1, 2))
    assert a[0][0].shape == (4, 3, 64, 64) and len(a) == 2
    for (xa, ya), (xb, yb) in zip(a, b):
        torch.testing.assert_close(xa, xb)
        torch.testing.assert_close(ya, yb)
    assert not torch.allclose(a[0][0], c[0][0])


def test_an_epoch_takes_each_image_at_most_once_and_evaluation_all_in_order():
    d, _ = data(n=10)
    labels = torch.cat([y for _, y in d.epoch(3, 0, 0, 3)])
    assert len(labels) == 9 and len(set(labels.tolist())) == 9  # full batches only
    assert torch.cat([y for _, y in d.evaluation(3)]).tolist() == list(range(10))


@pytest.mark.parametrize("augment", ["flip", "crop"])
@pytest.mark.parametrize("size", [224, 227])  # at 32 px the warp is grid_sample itself
def test_warps_without_rotation_equal_grid_sample(augment, size):
    """resample.py's two products against the per-pixel sampler they replace, with zooms and
    shifts far past the edge (border repeated, or mirrored for crops)."""
    d, x = data(aug=augment, size=size, n=16)
    rng = np.random.default_rng(4)
    theta = affine_theta(16, get_augmentation(augment), rng)
    theta[:, 0, 0] *= rng.uniform(0.7, 1.3, 16).astype(np.float32)
    theta[:, :, 2] = rng.uniform(-3, 3, (16, 2))
    out = d.transform(d.images, theta)
    assert out.is_contiguous(memory_format=torch.channels_last) == d.channels_last
    normalized = data(size=32, n=16)[0].transform(d.images)  # 32 px, no warp
    grid = F.affine_grid(torch.from_numpy(theta), [16, 3, size, size], align_corners=False)
    fill = "reflection" if get_augmentation(augment).mirror else "border"
    ref = F.grid_sample(normalized, grid, mode="bilinear", padding_mode=fill, align_corners=False)
    torch.testing.assert_close(out, ref, atol=1e-4, rtol=0)


def test_rotations_take_the_per_pixel_warp_on_a_broadcast_grid():
    d, _ = data(aug="standard", size=224, n=8)
    theta = affine_theta(8, get_augmentation("standard"), np.random.default_rng(5))
    assert np.abs(theta[:, 0, 1]).min() > 0  # every warp rotates
    grid = F.affine_grid(torch.from_numpy(theta), [8, 3, 224, 224], align_corners=False)
    normalized = data(size=32)[0].transform(d.images)
    ref = F.grid_sample(normalized, grid, padding_mode="border", align_corners=False)
    torch.testing.assert_close(d.transform(d.images, theta), ref, atol=1e-4, rtol=0)
