"""Device faults in both frameworks: --device cuda on this GPU-less machine, a GPU the build
cannot use, and running out of memory mid-run (the OOM raised by a patched epoch; the batch
size that fits found by real training steps)."""

import json

import pytest
import tensorflow as tf
import torch

from alexnet_cifar import train
from alexnet_cifar.backends import get_backend
from alexnet_cifar.cli import main
from alexnet_cifar.errors import ConfigError, OutOfMemory
from alexnet_cifar.training import devices

from train_fixtures import small_config

FRAMEWORKS = ("pytorch", "keras")
OOM = {
    "pytorch": lambda: torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB"),
    "keras": lambda: tf.errors.ResourceExhaustedError(None, None, "OOM when allocating tensor"),
}


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without a GPU")
@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_cuda_without_gpu_is_one_line_and_writes_nothing(tmp_path, capsys, framework):
    out = tmp_path / "run"
    argv = ["train", "--framework", framework, "--model", "alexnet-cifar", "--device", "cuda"]
    assert main([*argv, "--epochs", "1", "--out", str(out)]) != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--device cuda: this machine has no NVIDIA GPU" in err[0], err
    assert not out.exists()


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without a GPU")
@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_a_gpu_the_build_cannot_reach_is_named_with_the_fix(tmp_path, monkeypatch, framework):
    monkeypatch.setattr(devices, "nvidia_gpus", lambda: ["NVIDIA A100-SXM4-40GB"])
    backend = get_backend(framework)
    with pytest.raises(ConfigError, match="NVIDIA A100-SXM4-40GB.*(pip install|driver)"):
        backend.capability("cuda")
    with pytest.warns(RuntimeWarning, match="auto trains on the CPU.*NVIDIA A100"):
        assert backend.capability("auto").device == "cpu"


@pytest.mark.parametrize("framework", FRAMEWORKS)
@pytest.mark.parametrize("at_epoch", [0, 1])
def test_out_of_memory_names_the_batch_that_fits_and_keeps_the_records(
    tmp_path, monkeypatch, cifar_real, framework, at_epoch
):
    trainer_cls = get_backend(framework).Trainer
    real_epoch = trainer_cls.train_epoch

    def epoch_or_oom(self, epoch, progress):
        if epoch == at_epoch:
            raise OOM[framework]()
        return real_epoch(self, epoch, progress)

    monkeypatch.setattr(trainer_cls, "train_epoch", epoch_or_oom)
    tried = []
    real_fits = trainer_cls.fits

    def fits(self, batch):  # a real training step, but pretend memory ends above 8 images
        tried.append(batch)
        return batch <= 8 and real_fits(self, batch)

    monkeypatch.setattr(trainer_cls, "fits", fits)
    config = small_config(tmp_path, framework, epochs=2, batch_size=32)
    with pytest.raises(OutOfMemory, match="at --batch-size 32; --batch-size 8 fits") as exc:
        train(config, data=cifar_real, progress=False)
    assert tried == [16, 8]
    assert "\n" not in str(exc.value)
    run = tmp_path / "run"
    if not at_epoch:  # nothing trained: no folder left, so the same command can start again
        assert "same command with that --batch-size" in str(exc.value)
        assert not run.exists()
        return
    state = json.loads((run / "state.json").read_text())
    assert state["status"] == "failed" and state["epochs_done"] == 1
    assert not (run / "results.json").exists()
    assert len((run / "metrics.jsonl").read_text().splitlines()) == 1
    assert "checkpoint after epoch 1 is kept" in str(exc.value)
    assert list(run.glob("checkpoint*"))
