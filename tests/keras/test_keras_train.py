"""Keras training: same splits as PyTorch, learning, resume, schedules, records, convert."""

import json

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

from alexnet_cifar import TrainConfig, train  # noqa: E402
from alexnet_cifar.errors import ConfigError  # noqa: E402
from alexnet_cifar.training.schedule import lr_factor  # noqa: E402

from train_fixtures import small_config  # noqa: E402


def test_resume_continues_from_the_right_epoch(tmp_path, cifar_real):
    def stop(epoch, record, model):
        if epoch == 1:
            raise KeyboardInterrupt

    config = small_config(tmp_path, "keras", epochs=3)
    with pytest.raises(KeyboardInterrupt, match="--resume"):
        train(config, data=cifar_real, progress=False, callbacks=[stop])
    run = tmp_path / "run"
    assert json.loads((run / "state.json").read_text()) == {
        "status": "interrupted",
        "epochs_done": 2,
    }
    seen = []
    results = train(
        config,
        data=cifar_real,
        resume=True,
        progress=False,
        callbacks=[lambda e, r, m: seen.append(e)],
    )
    assert seen == [2]
    epochs = [json.loads(l)["epoch"] for l in (run / "metrics.jsonl").read_text().splitlines()]
    assert epochs == [0, 1, 2] and results["epochs"] == 3
    # the optimizer's step counter came back with the weights: the schedule continued
    last = json.loads((run / "metrics.jsonl").read_text().splitlines()[-1])
    assert last["lr"] == pytest.approx(0.05 * 0.25, rel=1e-5)  # cosine at 2/3, not restarted
    assert last["lr_last"] < 1e-3


def test_nan_loss_stops_with_a_clear_error(tmp_path, cifar_real):
    from alexnet_cifar.errors import TrainingDiverged

    def poison(epoch, record, model):
        model.set_weights([np.full_like(w, np.nan) for w in model.get_weights()])

    with pytest.raises(TrainingDiverged, match=r"loss became nan in epoch 2.*after epoch 1"):
        train(
            small_config(tmp_path, "keras", epochs=3),
            data=cifar_real,
            progress=False,
            callbacks=[poison],
        )
    assert len((tmp_path / "run" / "metrics.jsonl").read_text().splitlines()) == 1
    assert not (tmp_path / "run" / "results.json").exists()


def test_bad_arguments_fail_early(tmp_path):
    if tf.config.list_physical_devices("GPU"):
        pytest.skip("needs a machine without a GPU")
    with pytest.raises(ConfigError, match="--device cuda: this machine has no NVIDIA GPU"):
        train(small_config(tmp_path, "keras", device="cuda"), progress=False)
    with pytest.raises(ConfigError, match="--optimizer 'rmsprop' is not known"):
        train(small_config(tmp_path, "keras", optimizer="rmsprop"), progress=False)
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("schedule", ["none", "step", "cosine", "onecycle"])
def test_keras_schedule_follows_the_shared_curve(schedule):
    from alexnet_cifar.backends.keras.optim import make_schedule

    config = TrainConfig(framework="keras", epochs=4, lr=0.1, schedule=schedule, step_size=2)
    lr = make_schedule(config, steps=10)
    for step in (0, 5, 19, 20, 33, 39):
        expected = 0.1 * lr_factor(schedule, step, 40, 10, 2)
        assert float(lr(step)) == pytest.approx(expected, rel=1e-5, abs=1e-9)


def test_epoch_streams_run_without_tf_data_autotuner(cifar_real):
    """Keras fits one epoch per call and deletes that epoch's iterator after it: with tf.data's
    autotuner on, the deletion waits for the autotuner's thread, up to a minute an epoch
    (benchmarks/time_breakdown.py shows it as overhead). Fixed parallelism, every image once."""
    from alexnet_cifar.backends.keras.pipeline import Pipeline
    from alexnet_cifar.preprocess import get_augmentation, get_normalization

    pipe = Pipeline(
        cifar_real.x_train[:512],
        cifar_real.y_train[:512],
        32,
        get_normalization("cifar"),
        get_augmentation("flip"),
        10,
    )
    for stream in (pipe.epoch(64, 0, 0, 8), pipe.evaluation(64)):
        assert not stream.options().autotune.enabled
        assert sum(len(x) for x, _ in stream) == 512
