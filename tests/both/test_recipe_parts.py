"""The recipe parts of the modern preset, each decided once in the core and fed identically by
both pipelines: --augment crop (a mirrored 4 px pad and a random 32 px crop, whole pixels),
--cutout PX, --tta flip; and their refusals."""

import json

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("tensorflow")

from alexnet_cifar import train  # noqa: E402
from alexnet_cifar.cli import main  # noqa: E402
from alexnet_cifar.preprocess import get_augmentation, get_normalization  # noqa: E402
from alexnet_cifar.training.plan import epoch_plan  # noqa: E402

from train_fixtures import small_config  # noqa: E402


def pipelines(images, augment: str, cutout: int = 0, size: int = 32):
    from alexnet_cifar.backends.keras.pipeline import Pipeline as KerasPipeline
    from alexnet_cifar.backends.pytorch.pipeline import Pipeline as TorchPipeline

    aug, norm = get_augmentation(augment, cutout), get_normalization("cifar")
    labels = np.arange(len(images)) % 10
    return (
        TorchPipeline(images, labels, torch.device("cpu"), size, norm, aug),
        KerasPipeline(images, labels, size, norm, aug, 10),
    )


def fed(pipeline, framework: str, batch: int, steps: int) -> np.ndarray:
    """One epoch's batches of a pipeline as NHWC arrays."""
    xs = [x.numpy() for x, _ in pipeline.epoch(batch, 7, 1, steps)]
    return np.concatenate([x.transpose(0, 2, 3, 1) if framework == "pytorch" else x for x in xs])


def normalized(images: np.ndarray) -> np.ndarray:
    norm = get_normalization("cifar")
    return (images / 255.0 - np.array(norm.mean)) / np.array(norm.std)


def test_crop_is_a_mirrored_pad_and_a_whole_pixel_crop_in_both_pipelines():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (64, 32, 32, 3), dtype=np.uint8)
    plan = epoch_plan(64, 16, 4, get_augmentation("crop"), 7, 1)
    padded = np.pad(images, ((0, 0), (4, 4), (4, 4), (0, 0)), mode="symmetric")
    shifts = np.rint(plan.theta[:, :, 2] * 16).astype(int)  # [-1, 1] spans 32 px
    np.testing.assert_allclose(plan.theta[:, :, 2] * 16, shifts, atol=1e-5)  # whole pixels
    assert shifts.min() == -4 and shifts.max() == 4
    expected = []
    for i, (flip, (kx, ky)) in enumerate(zip(plan.theta[:, 0, 0] < 0, shifts)):
        window = padded[plan.order[i], 4 + ky : 36 + ky, 4 + kx : 36 + kx]
        expected.append(window[:, ::-1] if flip else window)
    expected = normalized(np.stack(expected))
    for framework, pipe in zip(("pytorch", "keras"), pipelines(images, "crop")):
        np.testing.assert_allclose(fed(pipe, framework, 16, 4), expected, atol=1e-4)


def test_cutout_zeroes_the_same_square_in_both_pipelines():
    rng = np.random.default_rng(1)
    images = rng.integers(0, 256, (32, 32, 32, 3), dtype=np.uint8)
    plan = epoch_plan(32, 16, 2, get_augmentation("none", 8), 7, 1, 32)
    expected = normalized(images[plan.order])
    for i, (y0, x0) in enumerate(plan.corners):
        assert -4 <= y0 <= 27 and -4 <= x0 <= 27
        expected[i, max(y0, 0) : y0 + 8, max(x0, 0) : x0 + 8] = 0.0
    for framework, pipe in zip(("pytorch", "keras"), pipelines(images, "none", cutout=8)):
        np.testing.assert_allclose(fed(pipe, framework, 16, 2), expected, atol=1e-4)
    # at 224 px, after a warp, the two still agree
    t, k = pipelines(images, "standard", cutout=40, size=224)
    np.testing.assert_allclose(fed(t, "pytorch", 16, 1), fed(k, "keras", 16, 1), atol=1e-4)


def test_mirrored_evaluation_is_the_mirror_in_both_pipelines():
    rng = np.random.default_rng(2)
    images = rng.integers(0, 256, (10, 32, 32, 3), dtype=np.uint8)
    t, k = pipelines(images, "none")
    plain = np.concatenate([x.numpy() for x, _ in k.evaluation(4)])
    mirrored = {
        "pytorch": np.concatenate([x.numpy() for x, _ in t.evaluation(4, True)]),
        "keras": np.concatenate([x.numpy() for x, _ in k.evaluation(4, True)]),
    }
    np.testing.assert_allclose(mirrored["pytorch"].transpose(0, 2, 3, 1), plain[:, :, ::-1])
    np.testing.assert_allclose(mirrored["keras"], plain[:, :, ::-1], atol=1e-6)


@pytest.mark.parametrize("framework", ["pytorch", "keras"])
def test_tta_and_ema_runs_record_both_views_and_the_time_to_accuracy(
    tmp_path, cifar_real, framework
):
    config = small_config(
        tmp_path, framework, augment="crop", cutout=8, ema=0.9, tta="flip", epochs=2
    )
    results = train(config, data=cifar_real, progress=False)
    labels = np.array(results["test_labels"])
    assert results["test_accuracy"] == results["tta_accuracy"]
    assert results["test_accuracy"] == pytest.approx(
        np.mean(np.array(results["test_predictions"]) == labels)
    )
    assert 0 <= results["single_view_accuracy"] <= 1
    records = [json.loads(l) for l in open(tmp_path / "run" / "metrics.jsonl")]
    assert results["train_seconds"] == pytest.approx(sum(r["wall_seconds"] for r in records))
    assert all(r["wall_seconds"] >= r["seconds"] for r in records)
    assert set(results["time_to_accuracy"]) == {"0.8", "0.85", "0.9"}


@pytest.mark.parametrize(
    "flags, message",
    [
        ("--cutout -1", "--cutout must be between 0 (off) and the 32 px input side, got -1"),
        ("--cutout 33", "--cutout must be between 0 (off) and the 32 px input side, got 33"),
        ("--ema 1", "--ema must be in (0, 1)"),
        ("--ema 0", "--ema must be in (0, 1)"),
        ("--augment crop --input-size 224", "--augment crop pads and crops the 32 px image"),
        ("--tta mirror", "argument --tta: invalid choice"),
    ],
)
def test_bad_recipe_flags_are_one_line_and_write_nothing(tmp_path, capsys, flags, message):
    out = tmp_path / "run"
    argv = ["train", "--model", "alexnet-cifar", *flags.split(), "--out", str(out)]
    if "argument" in message:
        with pytest.raises(SystemExit):
            main(argv)
    else:
        assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert message in err[-1]
    assert not out.exists()
