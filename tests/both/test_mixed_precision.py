"""Mixed precision in both frameworks: what auto picks (the CPU's bf16 support mocked both
ways), fp16 with loss scaling on the CPU, bf16 learning, float32 logits and BatchNorm
statistics, resume keeping its precision, and the Keras loop not syncing every step."""

import json

import numpy as np
import pytest
import torch

import keras
from alexnet_cifar import train
from alexnet_cifar.arch import get_spec
from alexnet_cifar.cli import main
from alexnet_cifar.engine import preflight
from alexnet_cifar.training import precision
from alexnet_cifar.training.progress import EpochProgress

from train_fixtures import small_config

FRAMEWORKS = ("pytorch", "keras")


def native_bf16(monkeypatch, native: bool) -> None:
    """Pretend this CPU has (or lacks) bf16 instructions; both backends ask the same core."""
    monkeypatch.setattr(precision, "cpu_native_bf16", lambda: native)


@pytest.mark.parametrize("framework", FRAMEWORKS)
@pytest.mark.parametrize("native", [True, False])
def test_auto_is_bf16_exactly_where_the_cpu_has_it(tmp_path, monkeypatch, framework, native):
    native_bf16(monkeypatch, native)
    config = small_config(tmp_path, framework, precision="auto")
    preflight(config)
    assert config.precision == ("bf16" if native else "fp32")


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_bf16_on_a_cpu_without_it_is_one_line_and_writes_nothing(
    tmp_path, monkeypatch, capsys, framework
):
    native_bf16(monkeypatch, False)
    run = tmp_path / "run"
    argv = ["train", "--framework", framework, "--model", "alexnet-cifar", "--device", "cpu"]
    assert main([*argv, "--precision", "bf16", "--out", str(run), "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "no bf16 instructions" in err and "auto picks fp32" in err
    assert not run.exists()


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_fp16_with_loss_scaling_trains_on_the_cpu(tmp_path, cifar_real, framework):
    config = small_config(
        tmp_path, framework, precision="fp16", epochs=1, batch_size=16, limit_train=80
    )
    results = train(config, data=cifar_real, progress=False)
    assert results["precision"] == "fp16"
    metrics = [json.loads(line) for line in (tmp_path / "run/metrics.jsonl").open()]
    assert np.isfinite(metrics[0]["train_loss"])
    if framework == "pytorch":
        scaler = torch.load(tmp_path / "run/checkpoint.pt", weights_only=True)["scaler"]
        assert scaler["scale"] > 0 and scaler["_growth_tracker"] >= 0


def test_a_step_that_loss_scaling_skips_moves_neither_the_schedule_nor_the_average(
    tmp_path, monkeypatch, cifar_real
):
    """fp16 with a loss scale so large that every step's gradients overflow: both frameworks
    skip every step (halving the scale), so epoch 2 starts at the one-cycle schedule's first
    rate in both (the weight average follows the same step count)."""
    for framework in FRAMEWORKS:  # where each backend's loss scaling reads it
        where = f"alexnet_cifar.backends.{framework}.precision.LOSS_SCALE_START"
        monkeypatch.setattr(where, 2.0**60)
    records = {}
    for framework in FRAMEWORKS:
        config = small_config(
            tmp_path / framework,
            framework,
            precision="fp16",
            batch_size=16,
            limit_train=100,  # 5 steps an epoch
            schedule="onecycle",
            ema=0.9,
        )
        train(config, data=cifar_real, progress=False)
        records[framework] = [
            json.loads(line) for line in (tmp_path / framework / "run/metrics.jsonl").open()
        ]
    for framework, (first, second) in records.items():
        assert second["lr"] == pytest.approx(first["lr"]), framework
        assert first["lr_last"] == pytest.approx(first["lr"]), framework  # no step taken
    pt, ke = records["pytorch"], records["keras"]
    assert [r["lr"] for r in pt] == pytest.approx([r["lr"] for r in ke])


def test_bf16_learns_on_real_images(tmp_path, monkeypatch, cifar_real):
    native_bf16(monkeypatch, True)  # emulated where not native: slower, same result
    config = small_config(
        tmp_path, "pytorch", precision="bf16", epochs=6, batch_size=16, limit_train=160, dropout=0.0
    )
    results = train(config, data=cifar_real, progress=False)
    losses = [json.loads(line)["train_loss"] for line in (tmp_path / "run/metrics.jsonl").open()]
    assert results["precision"] == "bf16"
    assert losses[-1] < 0.85 * losses[0] and losses[-1] == min(losses), losses


def test_logits_and_batchnorm_statistics_stay_float32():
    from alexnet_cifar.backends import keras as kb
    from alexnet_cifar.backends import pytorch as pb
    from alexnet_cifar.backends.pytorch.precision import Precision

    spec = get_spec("alexnet-cifar", 10, batchnorm=True)
    model = pb.build(spec, seed=0).train()
    with Precision("bf16", torch.device("cpu")).autocast():
        logits = model(torch.randn(4, 3, 32, 32))
        hidden = model.features[0](torch.randn(4, 3, 32, 32))
    assert hidden.dtype == torch.bfloat16  # the convolutions do run in bf16
    assert logits.dtype == torch.float32
    assert model.features[1].running_mean.dtype == torch.float32

    kmodel = kb.build(spec, seed=0, precision="bf16")
    dense = [layer for layer in kmodel.layers if isinstance(layer, keras.layers.Dense)]
    convs = [layer for layer in kmodel.layers if isinstance(layer, keras.layers.Conv2D)]
    bns = [layer for layer in kmodel.layers if isinstance(layer, keras.layers.BatchNormalization)]
    assert bns and all(type(bn).__name__ == "FusedBatchNorm" for bn in bns)
    assert convs[0].compute_dtype == "bfloat16" and dense[0].compute_dtype == "bfloat16"
    assert dense[-1].compute_dtype == "float32" and dense[-1].kernel.dtype == "float32"
    assert all(bn.moving_mean.dtype == "float32" for bn in bns)
    out = kmodel(np.random.rand(2, 32, 32, 3).astype("float32"), training=True)
    assert out.dtype == "float32"


def test_caffe_lrn_runs_in_float32_under_bf16():
    """TensorFlow has no bf16 LRN kernel on the CPU: the layer computes in float32, in both."""
    from alexnet_cifar.backends import keras as kb
    from alexnet_cifar.backends import pytorch as pb
    from alexnet_cifar.backends.pytorch.precision import Precision

    spec = get_spec("alexnet-caffe", 10)
    kmodel = kb.build(spec, seed=0, precision="bf16")
    lrn = [layer for layer in kmodel.layers if type(layer).__name__ == "LocalResponseNorm"]
    assert lrn and all(layer.compute_dtype == "float32" for layer in lrn)
    image = np.random.rand(1, 227, 227, 3).astype("float32")
    assert np.isfinite(np.asarray(kmodel(image, training=False))).all()
    model = pb.build(spec, seed=0).eval()
    with torch.no_grad(), Precision("bf16", torch.device("cpu")).autocast():
        x = model.features[0](torch.from_numpy(image).permute(0, 3, 1, 2))
        assert model.features[2](model.features[1](x)).dtype == torch.float32


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_resume_keeps_the_precision_it_started_in(tmp_path, cifar_real, framework):
    config = small_config(tmp_path, framework, precision="fp32", epochs=1, limit_train=80)
    train(config, data=cifar_real, progress=False)
    run = str(tmp_path / "run")
    argv = ["train", "--resume", run, "--epochs", "2", "--quiet"]
    assert main([*argv, "--precision", "fp16"]) == 2  # a changed flag: refused
    again = small_config(tmp_path, framework, precision="auto", epochs=2, limit_train=80)
    results = train(again, data=cifar_real, resume=True, progress=False)
    assert results["precision"] == "fp32" and results["epochs"] == 2


def test_keras_syncs_once_per_progress_report_not_every_step(tmp_path, cifar_real, monkeypatch):
    from alexnet_cifar.backends.keras.train import _ReportSteps

    seen = []
    report, update = _ReportSteps.on_train_batch_end, EpochProgress.update

    def spy_report(self, batch, logs=None):
        seen.append(batch)  # Keras converts the logs (a device sync) once per call
        report(self, batch, logs)

    def spy_update(self, step, *args):
        seen.append(("bar", step))
        update(self, step, *args)

    monkeypatch.setattr(_ReportSteps, "on_train_batch_end", spy_report)
    monkeypatch.setattr(EpochProgress, "update", spy_update)
    config = small_config(tmp_path, "keras", epochs=1, batch_size=8, limit_train=160)
    train(config, data=cifar_real, progress=False)  # 16 steps
    # Keras numbers its short last call 19; the bar is told the true last step
    assert seen == [9, ("bar", 9), 19, ("bar", 15)]


@pytest.mark.parametrize("precision", ["fp32", "bf16"])
def test_keras_batchnorm_normalizes_and_updates_statistics_as_pytorch_does(precision):
    """Keras' BatchNorm runs TensorFlow's fused kernel, bf16 activations in and out with float32
    statistics; its running variance takes the batch's unbiased variance, as PyTorch's does
    (Keras' own layer takes the biased one: 8/7 too small on this 8-value batch)."""
    from alexnet_cifar.arch import BN_EPS, BN_MOMENTUM
    from alexnet_cifar.backends.keras.model import FusedBatchNorm
    from alexnet_cifar.backends.keras.precision import POLICIES

    x = np.random.default_rng(0).normal(1.0, 2.0, size=(2, 2, 2, 5)).astype(np.float32)
    bn = torch.nn.BatchNorm2d(5, eps=BN_EPS, momentum=BN_MOMENTUM).train()
    expected = bn(torch.from_numpy(x).permute(0, 3, 1, 2)).detach().permute(0, 2, 3, 1).numpy()

    layer = FusedBatchNorm(momentum=1 - BN_MOMENTUM, epsilon=BN_EPS, dtype=POLICIES[precision])
    out = layer(x, training=True)
    assert out.dtype == ("bfloat16" if precision == "bf16" else "float32")
    assert layer.moving_variance.dtype == "float32"
    tol = 2e-2 if precision == "bf16" else 1e-5
    np.testing.assert_allclose(np.asarray(out, np.float32), expected, atol=4 * tol)
    statistics = ((layer.moving_mean, bn.running_mean), (layer.moving_variance, bn.running_var))
    for ours, theirs in statistics:
        np.testing.assert_allclose(np.asarray(ours), theirs.numpy(), rtol=tol)
    bn.eval()
    expected = bn(torch.from_numpy(x).permute(0, 3, 1, 2)).detach().permute(0, 2, 3, 1).numpy()
    np.testing.assert_allclose(
        np.asarray(layer(x, training=False), np.float32), expected, atol=4 * tol
    )
