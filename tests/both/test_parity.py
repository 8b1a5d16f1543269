"""PyTorch and Keras side by side: the same splits and inputs, the same plateau and early
stopping decisions, and weights that convert both ways through the command line."""

import json

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("tensorflow")

from alexnet_cifar import train  # noqa: E402
from alexnet_cifar.cli import main  # noqa: E402
from alexnet_cifar.data import make_splits  # noqa: E402
from alexnet_cifar.errors import ConfigError  # noqa: E402

from train_fixtures import small_config  # noqa: E402


def test_same_subset_split_and_seed_give_the_same_validation_images(tmp_path, cifar_real):
    from alexnet_cifar.backends.keras.train import Trainer as KerasTrainer
    from alexnet_cifar.backends.pytorch.train import Trainer as TorchTrainer
    from alexnet_cifar.runs import RunDir

    kc, tc = small_config(tmp_path / "k", "keras"), small_config(tmp_path / "t", "pytorch")
    k = KerasTrainer(kc, RunDir(tmp_path / "k"), cifar_real, progress=False)
    t = TorchTrainer(tc, RunDir(tmp_path / "t"), cifar_real, progress=False)
    np.testing.assert_array_equal(k.splits.val, t.splits.val)
    kval, tval = k.pipelines["val"], t.pipelines["val"]
    np.testing.assert_array_equal(kval.images.numpy(), tval.images.numpy())
    np.testing.assert_array_equal(
        k.pipelines["test"].labels.numpy(), t.pipelines["test"].labels.numpy()
    )
    # and the preprocessed inputs agree too (bilinear resize and normalization)
    kx = kval.transform(kval.images[:4]).numpy()
    tx = tval.transform(tval.images[:4]).numpy().transpose(0, 2, 3, 1)
    np.testing.assert_allclose(kx, tx, atol=1e-5)
    assert (
        make_splits(kc, cifar_real).val.tolist()
        != make_splits(small_config(tmp_path, "keras", seed=1), cifar_real).val.tolist()
    )


def test_convert_cli_round_trip(tmp_path, cifar_real, capsys):
    config = small_config(tmp_path, "pytorch", epochs=1)
    train(config, data=cifar_real, progress=False)
    run = tmp_path / "run"
    h5, pt = tmp_path / "w.weights.h5", tmp_path / "back.pt"
    assert main(["convert", "--from", "pytorch", "--to", "keras", str(run), str(h5)]) == 0
    back_to_torch = [
        *"convert --from keras --to pytorch".split(),
        str(h5),
        str(pt),
        *"--model alexnet-cifar --batchnorm".split(),
    ]
    assert main(back_to_torch) == 0
    original = torch.load(run / "checkpoint.pt", weights_only=True)["model"]
    back = torch.load(pt, weights_only=True)
    for key in back:
        if not key.endswith("num_batches_tracked"):
            assert torch.equal(original[key], back[key]), key
    assert main(back_to_torch) == 2
    assert "exists; pass --force" in capsys.readouterr().err
    assert (
        main(
            [
                "convert",
                "--from",
                "keras",
                "--to",
                "pytorch",
                str(h5),
                str(tmp_path / "x.pt"),
                "--model",
                "alexnet-cifar",
            ]
        )
        == 2
    )
    assert "does not fit Keras alexnet-cifar (batchnorm=False" in capsys.readouterr().err
    assert not (tmp_path / "x.pt").exists()


def test_plateau_and_early_stopping_act_alike_in_both_frameworks(tmp_path, cifar_real):
    """With a learning rate too small to move anything, the validation loss never improves:
    both frameworks cut the rate x0.1 after the same epochs, and early stopping ends the runs
    after the same number of epochs."""
    lrs, lengths = {}, {}
    for fw in ("pytorch", "keras"):
        config = small_config(
            tmp_path / fw,
            fw,
            batchnorm=False,
            epochs=5,
            lr=1e-12,
            momentum=0.0,
            weight_decay=0.0,
            schedule="plateau",
            augment="none",
            limit_train=100,
            val_fraction=0.3,
        )
        train(config, data=cifar_real, progress=False)
        lrs[fw] = [json.loads(l)["lr"] for l in open(tmp_path / fw / "run" / "metrics.jsonl")]
        stop = small_config(
            tmp_path / f"{fw}-es",
            fw,
            batchnorm=False,
            epochs=8,
            lr=1e-12,
            augment="none",
            limit_train=100,
            val_fraction=0.3,
            early_stopping=2,
        )
        lengths[fw] = train(stop, data=cifar_real, progress=False)["epochs"]
    # abs=0: approx would otherwise allow 1e-12 either side, as large as the rates themselves
    for fw in lrs:
        assert lrs[fw] == pytest.approx([1e-12, 1e-12, 1e-12, 1e-13, 1e-13], rel=1e-5, abs=0), fw
    assert lengths == {"pytorch": 3, "keras": 3}
    with pytest.raises(ConfigError, match="set --val-fraction above 0"):
        small_config(tmp_path, "keras", schedule="plateau", val_fraction=0.0).validate()


@pytest.mark.parametrize("framework", ["pytorch", "keras"])
def test_every_other_schedule_follows_its_curve_while_validation_stalls(
    tmp_path, cifar_real, framework
):
    """The plateau rule belongs to --schedule plateau alone: with the validation loss stalled
    (a learning rate too small to move anything), every other schedule's recorded rates are
    its curve's, at each epoch's first and last step."""
    from alexnet_cifar.training.plan import steps_per_epoch
    from alexnet_cifar.training.schedule import lr_factor

    base, epochs = 1e-12, 4
    for schedule in ("none", "step", "cosine", "onecycle"):
        config = small_config(
            tmp_path / schedule,
            framework,
            batchnorm=False,
            epochs=epochs,
            lr=base,
            momentum=0.0,
            weight_decay=0.0,
            schedule=schedule,
            step_size=1,
            augment="none",
            limit_train=100,
            val_fraction=0.3,
        )
        results = train(config, data=cifar_real, progress=False)
        steps = steps_per_epoch(results["num_train_images"], config.batch_size)
        records = [json.loads(l) for l in open(tmp_path / schedule / "run" / "metrics.jsonl")]
        assert len({r["val_loss"] for r in records}) == 1, "validation was meant to stall"

        def curve(step, schedule=schedule, steps=steps):
            return base * lr_factor(schedule, step, epochs * steps, steps, 1)

        expected = [(curve(e * steps), curve((e + 1) * steps - 1)) for e in range(epochs)]
        recorded = [(r["lr"], r["lr_last"]) for r in records]
        assert recorded == [pytest.approx(pair, rel=1e-5, abs=0) for pair in expected], schedule
