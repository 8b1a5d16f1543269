"""Keras training: same splits as PyTorch, learning, resume, schedules, records, convert."""

import json

import numpy as np
import pytest

torch = pytest.importorskip("torch")
tf = pytest.importorskip("tensorflow")

from alexnet_cifar import TrainConfig, train  # noqa: E402
from alexnet_cifar.cli import main  # noqa: E402
from alexnet_cifar.errors import ConfigError  # noqa: E402
from alexnet_cifar.experiment import lr_factor, make_splits  # noqa: E402
from train_fixtures import small_config  # noqa: E402


def small(tmp_path, **kw):
    return small_config(tmp_path, **{"framework": "keras", **kw})


def test_same_subset_split_and_seed_give_the_same_validation_images(tmp_path, cifar_real):
    from alexnet_cifar.backends.keras.train import Trainer as KerasTrainer
    from alexnet_cifar.backends.pytorch.train import Trainer as TorchTrainer
    from alexnet_cifar.runs import RunDir
    kc, tc = small(tmp_path / "k"), small(tmp_path / "t", framework="pytorch")
    k = KerasTrainer(kc, RunDir(tmp_path / "k"), cifar_real, progress=False)
    t = TorchTrainer(tc, RunDir(tmp_path / "t"), cifar_real, progress=False)
    np.testing.assert_array_equal(k.splits.val, t.splits.val)
    np.testing.assert_array_equal(k.val_data.images.numpy(), t.val_data.x.numpy())
    np.testing.assert_array_equal(k.test_data.labels.numpy(), t.test_data.y.numpy())
    # and the preprocessed inputs agree too (bilinear resize and normalization)
    kx = k.val_data.transform(k.val_data.images[:4]).numpy()
    tx = t.val_data.transform(t.val_data.x[:4]).numpy().transpose(0, 2, 3, 1)
    np.testing.assert_allclose(kx, tx, atol=1e-5)
    assert make_splits(kc, cifar_real).val.tolist() != make_splits(
        small(tmp_path, seed=1), cifar_real).val.tolist()


@pytest.mark.slow
def test_keras_learns_clearly_above_chance_on_2000_real_images(tmp_path, cifar_real):
    results = train(small(tmp_path, epochs=4, batch_size=64, limit_train=2000, limit_test=1000,
                          val_fraction=0.1), data=cifar_real, progress=False)
    assert results["framework"] == "keras" and results["num_train_images"] == 1800
    assert results["test_accuracy"] > 0.25, results["test_accuracy"]


def test_resume_continues_from_the_right_epoch(tmp_path, cifar_real):
    def stop(epoch, record, model):
        if epoch == 1:
            raise KeyboardInterrupt

    config = small(tmp_path, epochs=3)
    with pytest.raises(KeyboardInterrupt, match="--resume"):
        train(config, data=cifar_real, progress=False, callbacks=[stop])
    run = tmp_path / "run"
    assert json.loads((run / "state.json").read_text()) == {"status": "interrupted",
                                                            "epochs_done": 2}
    seen = []
    results = train(config, data=cifar_real, resume=True, progress=False,
                    callbacks=[lambda e, r, m: seen.append(e)])
    assert seen == [2]
    epochs = [json.loads(l)["epoch"] for l in (run / "metrics.jsonl").read_text().splitlines()]
    assert epochs == [0, 1, 2] and results["epochs"] == 3
    # the optimizer's step counter came back with the weights: the schedule continued
    assert json.loads((run / "metrics.jsonl").read_text().splitlines()[-1])["lr"] < 1e-3


def test_nan_loss_stops_with_a_clear_error(tmp_path, cifar_real):
    from alexnet_cifar.errors import TrainingDiverged

    def poison(epoch, record, model):
        model.set_weights([np.full_like(w, np.nan) for w in model.get_weights()])

    with pytest.raises(TrainingDiverged, match=r"loss became nan in epoch 2.*after epoch 1"):
        train(small(tmp_path, epochs=3), data=cifar_real, progress=False, callbacks=[poison])
    assert len((tmp_path / "run" / "metrics.jsonl").read_text().splitlines()) == 1
    assert not (tmp_path / "run" / "results.json").exists()


def test_bad_arguments_fail_early(tmp_path):
    if tf.config.list_physical_devices("GPU"):
        pytest.skip("needs a machine without a GPU")
    with pytest.raises(ConfigError, match="TensorFlow sees no GPU"):
        train(small(tmp_path, device="cuda"), progress=False)
    with pytest.raises(ConfigError, match="--optimizer 'rmsprop' is not known"):
        train(small(tmp_path, optimizer="rmsprop"), progress=False)
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("schedule", ["none", "step", "cosine", "onecycle"])
def test_keras_schedule_follows_the_shared_curve(schedule):
    from alexnet_cifar.backends.keras.train import make_schedule
    config = TrainConfig(framework="keras", epochs=4, lr=0.1, schedule=schedule, step_size=2)
    lr = make_schedule(config, steps=10)
    for step in (0, 5, 19, 20, 33, 39):
        expected = 0.1 * lr_factor(schedule, step, 40, 10, 2)
        assert float(lr(step)) == pytest.approx(expected, rel=1e-5, abs=1e-9)


def test_onecycle_equals_torch_onecyclelr():
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=0.1)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=50,
                                                cycle_momentum=False)
    for step in range(50):
        assert opt.param_groups[0]["lr"] == pytest.approx(0.1 * lr_factor("onecycle", step, 50,
                                                                          10, 1), rel=1e-9)
        opt.step()
        sched.step()


def test_convert_cli_round_trip(tmp_path, cifar_real, capsys):
    config = small(tmp_path, framework="pytorch", epochs=1)
    train(config, data=cifar_real, progress=False)
    run = tmp_path / "run"
    h5, pt = tmp_path / "w.weights.h5", tmp_path / "back.pt"
    assert main(["convert", "--from", "pytorch", "--to", "keras", str(run), str(h5)]) == 0
    assert main(["convert", "--from", "keras", "--to", "pytorch", str(h5), str(pt),
                 "--model", "alexnet-cifar", "--batchnorm"]) == 0
    original = torch.load(run / "checkpoint.pt", weights_only=True)["model"]
    back = torch.load(pt, weights_only=True)
    for key in back:
        if not key.endswith("num_batches_tracked"):
            assert torch.equal(original[key], back[key]), key
    assert main(["convert", "--from", "keras", "--to", "pytorch", str(h5), str(pt),
                 "--model", "alexnet-cifar", "--batchnorm"]) == 2
    assert "exists; pass --force" in capsys.readouterr().err
    assert main(["convert", "--from", "keras", "--to", "pytorch", str(h5), str(tmp_path / "x.pt"),
                 "--model", "alexnet-cifar"]) == 2
    assert "does not fit Keras alexnet-cifar (batchnorm=False" in capsys.readouterr().err
    assert not (tmp_path / "x.pt").exists()


def test_plateau_and_early_stopping_act_alike_in_both_frameworks(tmp_path, cifar_real):
    """With a learning rate too small to move anything, the validation loss never improves:
    both frameworks cut the rate x0.1 after the same epochs, and early stopping ends the runs
    after the same number of epochs."""
    lrs, lengths = {}, {}
    for fw in ("pytorch", "keras"):
        config = small(tmp_path / fw, framework=fw, batchnorm=False, epochs=5, lr=1e-12,
                       momentum=0.0, weight_decay=0.0, schedule="plateau", augment="none",
                       limit_train=100, val_fraction=0.3)
        train(config, data=cifar_real, progress=False)
        lrs[fw] = [json.loads(l)["lr"] for l in open(tmp_path / fw / "run" / "metrics.jsonl")]
        stop = small(tmp_path / f"{fw}-es", framework=fw, batchnorm=False, epochs=8, lr=1e-12,
                     augment="none", limit_train=100, val_fraction=0.3, early_stopping=2)
        lengths[fw] = train(stop, data=cifar_real, progress=False)["epochs"]
    for fw in lrs:
        assert lrs[fw] == pytest.approx([1e-12, 1e-12, 1e-12, 1e-13, 1e-13], rel=1e-5), fw
    assert lengths == {"pytorch": 3, "keras": 3}
    with pytest.raises(ConfigError, match="set --val-fraction above 0"):
        small(tmp_path, schedule="plateau", val_fraction=0.0).validate()
