"""PyTorch training: learning on real images, overfitting, exact resume, NaN guard, records."""

import json

import pytest

torch = pytest.importorskip("torch")

from alexnet_cifar import evaluate, train  # noqa: E402
from alexnet_cifar.errors import ConfigError, TrainingDiverged  # noqa: E402

from train_fixtures import small_config  # noqa: E402


@pytest.mark.slow
def test_overfits_256_images(tmp_path, cifar_real):
    results = train(
        small_config(
            tmp_path,
            "pytorch",
            epochs=15,
            batch_size=16,
            optimizer="adam",
            lr=2e-4,
            schedule="none",
            augment="none",
            limit_train=256,
            val_fraction=0.0,
        ),
        data=cifar_real,
        progress=False,
    )
    metrics = [json.loads(l) for l in open(tmp_path / "run" / "metrics.jsonl")]
    assert metrics[-1]["train_accuracy"] > 0.9, metrics[-1]
    assert results["final_val_accuracy"] is None


def test_interrupted_then_resumed_equals_uninterrupted(tmp_path, cifar_real):
    """--ema on: the weight average comes back with the checkpoint too."""
    whole = small_config(tmp_path / "a", "pytorch", epochs=3, ema=0.9)
    train(whole, data=cifar_real, progress=False)

    def stop_after_first(epoch, record, model):
        if epoch == 0:
            raise KeyboardInterrupt

    cut = small_config(tmp_path / "b", "pytorch", epochs=3, ema=0.9)
    with pytest.raises(KeyboardInterrupt, match="--resume"):
        train(cut, data=cifar_real, progress=False, callbacks=[stop_after_first])
    state = json.loads((tmp_path / "b" / "run" / "state.json").read_text())
    assert state == {"status": "interrupted", "epochs_done": 1}
    assert not (tmp_path / "b" / "run" / "results.json").exists()
    train(cut, data=cifar_real, resume=True, progress=False)

    a = torch.load(tmp_path / "a" / "run" / "checkpoint.pt", weights_only=True)
    b = torch.load(tmp_path / "b" / "run" / "checkpoint.pt", weights_only=True)
    for k in a["model"]:
        assert torch.equal(a["model"][k], b["model"][k]), k
    assert len(a["average"]) == len(list(a["model"])) - 3 * 5  # no BatchNorm statistics
    for x, y in zip(a["average"], b["average"]):
        assert torch.equal(x, y)

    def strip(path):
        from alexnet_cifar.records import MACHINE_KEYS

        records = [json.loads(line) for line in open(path)]
        return [{k: v for k, v in r.items() if k not in MACHINE_KEYS} for r in records]

    assert strip(tmp_path / "a/run/metrics.jsonl") == strip(tmp_path / "b/run/metrics.jsonl")


def test_nan_loss_stops_and_keeps_the_last_good_checkpoint(tmp_path, cifar_real):
    def poison(epoch, record, model):
        with torch.no_grad():
            for p in model.parameters():
                p.fill_(float("nan"))

    config = small_config(tmp_path, "pytorch", epochs=3)
    with pytest.raises(TrainingDiverged, match=r"loss became nan in epoch 2.*after epoch 1.*--lr"):
        train(config, data=cifar_real, progress=False, callbacks=[poison])
    run = tmp_path / "run"
    saved = torch.load(run / "checkpoint.pt", weights_only=True)
    assert saved["epochs_done"] == 1
    assert all(torch.isfinite(v).all() for v in saved["model"].values() if v.is_floating_point())
    assert json.loads((run / "state.json").read_text())["status"] == "diverged"
    assert not (run / "results.json").exists()
    assert len((run / "metrics.jsonl").read_text().splitlines()) == 1


@pytest.mark.parametrize(
    "change,message",
    [
        (dict(model="lenet"), "--model 'lenet' is not known"),
        (dict(epochs=-1), "--epochs must be a positive integer"),
        (dict(batch_size=1000), "--batch-size 1000 is larger than the 240"),
        (dict(device="tpu"), "--device 'tpu' is not known"),
        (dict(lr=0.0), "--lr must be positive"),
    ],
)
def test_bad_arguments_fail_before_any_work(tmp_path, change, message):
    with pytest.raises(ConfigError, match=message):
        train(small_config(tmp_path, "pytorch", **change), progress=False)
    assert not (tmp_path / "run").exists()


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_cuda_requested_without_gpu(tmp_path):
    with pytest.raises(ConfigError, match="--device cuda: this machine has no NVIDIA GPU"):
        train(small_config(tmp_path, "pytorch", device="cuda"), progress=False)
    assert not (tmp_path / "run").exists()


def test_existing_run_dir_is_not_overwritten(tmp_path, cifar_real):
    train(small_config(tmp_path, "pytorch", epochs=1), data=cifar_real, progress=False)
    before = (tmp_path / "run" / "results.json").read_bytes()
    with pytest.raises(ConfigError, match="already holds a run.*--resume"):
        train(small_config(tmp_path, "pytorch", epochs=1), data=cifar_real, progress=False)
    assert (tmp_path / "run" / "results.json").read_bytes() == before


def test_evaluate_reproduces_the_recorded_predictions(tmp_path, cifar_real):
    first = train(small_config(tmp_path, "pytorch", epochs=1), data=cifar_real, progress=False)
    again = evaluate(tmp_path / "run", data=cifar_real, progress=False)
    assert again["test_predictions"] == first["test_predictions"]
    assert again["test_accuracy"] == first["test_accuracy"]
    for key in ("software", "hardware", "parameters", "seconds_per_epoch", "config"):
        assert key in again


def test_batch_larger_than_the_full_training_set_writes_nothing(tmp_path, cifar_real):
    config = small_config(tmp_path, "pytorch", limit_train=None, batch_size=60_000)
    with pytest.raises(ConfigError, match="--batch-size 60000 is larger than the 40000"):
        train(config, data=cifar_real, progress=False)
    assert not (tmp_path / "run").exists()
