"""--classes: a run on some of CIFAR-10's classes, relabelled in the order given, the same
images and labels in both frameworks; bad names are one line and write nothing."""

import json

import numpy as np
import pytest

from alexnet_cifar import train
from alexnet_cifar.cli import main
from alexnet_cifar.data import keep_classes

from train_fixtures import small_config

TARGET = ["dog", "frog", "horse", "ship", "truck"]


def test_keep_classes_relabels_in_the_order_given(cifar_tiny):
    kept = keep_classes(cifar_tiny, ["ship", "cat"])
    ship, cat = cifar_tiny.class_names.index("ship"), cifar_tiny.class_names.index("cat")
    assert kept.class_names == ["ship", "cat"] and kept.num_classes == 2
    for x, y, full_x, full_y in (
        (kept.x_train, kept.y_train, cifar_tiny.x_train, cifar_tiny.y_train),
        (kept.x_test, kept.y_test, cifar_tiny.x_test, cifar_tiny.y_test),
    ):
        wanted = (full_y == ship) | (full_y == cat)
        np.testing.assert_array_equal(x, full_x[wanted])  # the same images, in their order
        np.testing.assert_array_equal(y, np.where(full_y[wanted] == ship, 0, 1))


def test_both_frameworks_train_on_the_same_subset(tmp_path, cifar_tiny):
    results = {}
    for framework in ("pytorch", "keras"):
        config = small_config(
            tmp_path / framework,
            framework,
            epochs=1,
            classes=TARGET,
            limit_train=100,
            limit_test=40,
            batch_size=16,
        )
        results[framework] = train(config, data=cifar_tiny, progress=False)
    pt, keras = results["pytorch"], results["keras"]
    assert pt["class_names"] == keras["class_names"] == TARGET
    assert list(pt["per_class_accuracy"]) == TARGET
    assert np.array(pt["confusion_matrix"]).shape == (5, 5)
    assert pt["test_indices"] == keras["test_indices"] and pt["test_labels"] == keras["test_labels"]
    assert sorted(set(pt["test_labels"])) == [0, 1, 2, 3, 4]
    assert pt["num_train_images"] == keras["num_train_images"] == 80  # 100 less validation
    assert pt["config"]["classes"] == TARGET and pt["config"]["num_classes"] == 5


@pytest.mark.parametrize(
    "flags, message",
    [
        (["--classes", "dog", "wolf"], "--classes: wolf is not a CIFAR-10 class"),
        (["--classes", "dog", "dog"], "--classes: dog given twice"),
        (["--classes", "dog"], "--classes: give two or more classes"),
        (["--classes", "dog", "cat", "--num-classes", "3"], "--num-classes 3 does not match"),
    ],
)
def test_bad_class_lists_are_one_line_and_write_nothing(tmp_path, capsys, flags, message):
    out = tmp_path / "run"
    rc = main(["train", "--model", "alexnet-cifar", *flags, "--out", str(out)])
    err = capsys.readouterr().err.strip()
    assert rc == 2 and len(err.splitlines()) == 1 and message in err, err
    if "CIFAR-10" in message or "twice" in message:
        assert "choose from airplane, automobile, bird" in err
    assert not out.exists()


def test_a_run_resumed_with_other_classes_is_refused(tmp_path, cifar_tiny, monkeypatch, capsys):
    monkeypatch.setattr("alexnet_cifar.cli.options.data_from_args", lambda args: cifar_tiny)
    out = tmp_path / "run"
    flags = "--model alexnet-cifar --limit-train 100 --batch-size 16 --device cpu --quiet"
    common = [*flags.split(), "--precision", "fp32"]
    assert main(["train", *common, "--epochs", "1", "--classes", *TARGET, "--out", str(out)]) == 0
    capsys.readouterr()
    before = (out / "config.json").read_text()
    rc = main(["train", "--resume", str(out), "--epochs", "2", "--classes", "cat", "dog"])
    err = capsys.readouterr().err.strip()
    assert rc == 2 and "--resume keeps the run's settings; drop --classes" in err
    assert (out / "config.json").read_text() == before
    assert json.loads(before)["classes"] == TARGET


def test_bgr_reverses_every_images_channels_and_nothing_else(cifar_tiny, capsys, tmp_path):
    from alexnet_cifar.data import in_channel_order

    assert in_channel_order(cifar_tiny, "rgb") is cifar_tiny
    bgr = in_channel_order(cifar_tiny, "bgr")
    np.testing.assert_array_equal(bgr.x_train[..., 0], cifar_tiny.x_train[..., 2])
    np.testing.assert_array_equal(bgr.x_test[..., 2], cifar_tiny.x_test[..., 0])
    np.testing.assert_array_equal(bgr.x_train[..., 1], cifar_tiny.x_train[..., 1])
    np.testing.assert_array_equal(bgr.y_train, cifar_tiny.y_train)
    out = tmp_path / "run"
    with pytest.raises(SystemExit) as stop:  # argparse's own refusal: usage and one line
        main(["train", "--model", "alexnet-cifar", "--channels", "brg", "--out", str(out)])
    err = capsys.readouterr().err
    assert stop.value.code == 2 and "invalid choice: 'brg'" in err and not out.exists()
