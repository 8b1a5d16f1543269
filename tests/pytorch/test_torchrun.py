"""Data-parallel PyTorch under torchrun (gloo on this CPU): 2 processes end with the weights of
1 process at the same global batch; rank 0 alone writes the records; a rank killed mid-run
leaves a run that 1 process resumes to the same weights; bad worlds are refused in one line."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from alexnet_cifar import train
from alexnet_cifar.errors import ConfigError

from parallel_fixtures import (
    EPOCHS,
    HOLD,
    env,
    layer_differences,
    records,
    reference_run,
    single,
    train_args,
    wait_until_held,
    worst,
)
from train_fixtures import small_config

pytestmark = pytest.mark.slow


def torchrun(nproc: int, args: list[str], held: bool = False) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone"]
    program = [str(HOLD)] if held else ["-m", "alexnet_cifar"]
    cmd += ["--nproc-per-node", str(nproc), *program, *args]
    return subprocess.Popen(
        cmd, env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def differences(a: Path, b: Path) -> dict:
    def named(run):
        return [(k, v.numpy()) for k, v in torch.load(run / "checkpoint.pt")["model"].items()]

    return layer_differences(named(a), named(b))


@pytest.fixture(scope="module")
def one_process_run(tmp_path_factory, real_cache_dir) -> Path:
    return reference_run("pytorch", tmp_path_factory.mktemp("torchrun"), real_cache_dir)


def test_two_ranks_end_with_the_weights_of_one_process(tmp_path, data_args, one_process_run):
    out = tmp_path / "two"
    proc = torchrun(2, train_args("pytorch", out, data_args))
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr
    assert worst(differences(one_process_run, out))[1] <= 1e-4
    # the bound tells runs apart: one process at half the batch lands far outside it
    half = tmp_path / "half"
    assert single([*train_args("pytorch", half, data_args), "--batch-size", "32"]).returncode == 0
    assert worst(differences(one_process_run, half))[1] > 100 * 1e-4
    # rank 0 alone wrote: one record per epoch, one results block printed
    assert len(records(out)) == EPOCHS
    assert stdout.count("run directory:") == 1
    results = json.loads((out / "results.json").read_text())
    assert results["hardware"]["world_size"] == 2
    assert results["hardware"]["devices"] == ["cpu", "cpu"]
    for r2, r1 in zip(records(out), records(one_process_run)):  # reduced over both ranks
        assert r2["train_loss"] == pytest.approx(r1["train_loss"], rel=1e-4)
        assert r2["train_accuracy"] == pytest.approx(r1["train_accuracy"], abs=1e-9)


def test_a_rank_killed_mid_run_resumes_with_one_process(tmp_path, data_args, one_process_run):
    out = tmp_path / "killed"
    proc = torchrun(2, train_args("pytorch", out, data_args, epochs=EPOCHS), held=True)
    _, rank1 = wait_until_held(out, [proc], 2)
    os.kill(rank1, signal.SIGKILL)
    (out / "release").touch()
    proc.communicate(timeout=120)
    assert proc.returncode != 0
    assert len(records(out)) == 1
    state = json.loads((out / "state.json").read_text())
    assert state["status"] in ("interrupted", "running") and not (out / "results.json").exists()

    resumed = single(["train", "--resume", str(out), "--quiet", *data_args])
    assert resumed.returncode == 0, resumed.stderr
    assert len(records(out)) == EPOCHS
    assert worst(differences(one_process_run, out))[1] <= 1e-4


@pytest.mark.parametrize(
    "change, message",
    [
        (dict(batch_size=1, limit_train=20), "--batch-size 1 is the global batch"),
        (dict(sync_bn=True, batchnorm=False), "--sync-bn: this model has no BatchNorm"),
        (dict(sync_bn=True, batchnorm=True), "SyncBatchNorm runs on GPUs only"),
    ],
)
def test_bad_worlds_are_one_line_before_anything_is_written(
    tmp_path, monkeypatch, cifar_real, change, message
):
    monkeypatch.setenv("WORLD_SIZE", "2")  # what torchrun tells rank 0
    monkeypatch.setenv("RANK", "0")
    with pytest.raises(ConfigError, match=message):
        train(small_config(tmp_path, "pytorch", **change), data=cifar_real, progress=False)
    assert not (tmp_path / "run").exists()
