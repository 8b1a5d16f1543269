"""`study --executor ray` on a local Ray instance (2 CPUs): a study of two scratch rows (one per
framework, 32 px) x 2 seeds as 4 tasks gives the run folders and report tables of the local
executor; a run that
fails is a failed row while the others finish, and --resume redoes only it; no Ray, or no
cluster at --address, is one line."""

import json
import os
import socket
import subprocess
import sys
import time

import pytest

from alexnet_cifar.cli import main
from alexnet_cifar.errors import ConfigError
from alexnet_cifar.report.collect import collect
from alexnet_cifar.study.run import run_study

from cifar_fixtures import real_cifar_dir

ray = pytest.importorskip("ray", reason="the ray extra is not installed")
pytestmark = pytest.mark.slow
ROWS = ["scratch-pytorch", "scratch-keras"]
ONE_THREAD = {"OMP_NUM_THREADS": "1", "TF_NUM_INTRAOP_THREADS": "1"}
# the smoke preset's layout at 32 px: what is tested is the executor, not the model
TINY = """
description: two scratch rows at 32 px, one epoch
defaults: {epochs: 1, batch_size: 32, limit_train: 256, limit_test: 100, val_fraction: 0.1,
           optimizer: sgd, lr: 0.01, augment: flip, precision: fp32}
rows:
  scratch-pytorch: {framework: pytorch, model: alexnet-cifar, batchnorm: true, init: scratch}
  scratch-keras: {framework: keras, model: alexnet-cifar, batchnorm: true, init: scratch}
"""


@pytest.fixture(scope="module")
def preset(tmp_path_factory):
    path = tmp_path_factory.mktemp("preset") / "tiny.yaml"
    path.write_text(TINY)
    return str(path)


@pytest.fixture(scope="module")
def local_ray(real_cache_dir):
    """Ray's workers inherit this environment: the decoded CIFAR-10 cache, one thread each."""
    saved = dict(os.environ)
    os.environ.update({"ALEXNET_CIFAR_CACHE": str(real_cache_dir), **ONE_THREAD})
    # workers' output stays in Ray's log files: streamed to this process it arrives late, in
    # the captured stderr of whichever test runs then
    ray.init(num_cpus=2, include_dashboard=False, logging_level="ERROR", log_to_driver=False)
    yield
    ray.shutdown()
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture
def data_dir(cifar_real):  # cifar_real fills the cache the workers read
    return str(real_cifar_dir())


def tables(study) -> list[tuple]:
    """What the report's tables show of each row, but its timings."""
    return [
        (
            r["row"],
            r["seeds"],
            [run["test_accuracy"] for run in r["runs"]],
            r["per_class_accuracy"],
            r["confusion_matrix"],
            r["ci"],
        )
        for r in collect(study)["rows"]
    ]


def test_ray_runs_every_row_and_seed_as_the_local_executor_does(
    tmp_path, local_ray, data_dir, preset
):
    out = tmp_path / "ray"
    record = run_study(
        preset, out, only=ROWS, seeds=2, data_dir=data_dir, executor="ray", progress=False
    )
    assert {n: r["status"] for n, r in record["rows"].items()} == dict.fromkeys(ROWS, "completed")
    assert sorted(p.parent.name + "/" + p.name for p in out.glob("runs/*/seed-*")) == [
        f"{row}/seed-{s}" for row in sorted(ROWS) for s in (0, 1)
    ]
    local = tmp_path / "local"
    cmd = [sys.executable, "-m", "alexnet_cifar", "study", "--preset", preset, "--seeds", "2"]
    cmd += ["--only", *ROWS, "--out", str(local), "--data-dir", data_dir, "--quiet"]
    done = subprocess.run(
        cmd, env={**os.environ, **ONE_THREAD}, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    assert tables(out) == tables(local)


def test_a_failed_run_is_a_failed_row_and_resume_redoes_only_it(
    tmp_path, local_ray, data_dir, preset
):
    out = tmp_path / "study"
    broken = out / "runs" / "scratch-keras" / "seed-1"
    broken.mkdir(parents=True)
    (broken / "metrics.jsonl").write_text("left by something else\n")
    record = run_study(
        preset, out, only=ROWS, seeds=2, data_dir=data_dir, executor="ray", progress=False
    )
    rows = record["rows"]
    assert rows["scratch-pytorch"]["status"] == "completed"
    assert rows["scratch-keras"]["status"] == "failed"
    assert "holds run files" in rows["scratch-keras"]["seeds"]["1"]["reason"]
    assert rows["scratch-keras"]["seeds"]["0"]["status"] == "completed"

    (broken / "metrics.jsonl").unlink()
    said = []
    record = run_study(
        preset,
        out,
        only=ROWS,
        seeds=2,
        data_dir=data_dir,
        executor="ray",
        resume=True,
        progress=False,
        echo=said.append,
    )
    assert all(r["status"] == "completed" for r in record["rows"].values())
    assert sum("done already, kept" in line for line in said) == 3
    assert json.loads((out / "study.json").read_text())["rows"] == record["rows"]


def test_without_ray_installed_the_extra_is_named(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray raises ImportError
    argv = ["study", "--preset", "smoke", "--out", str(tmp_path / "s"), "--executor", "ray"]
    assert main(argv) != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "alexnet-cifar: error: --executor ray needs Ray, which is not installed: "
        "pip install 'alexnet-cifar[ray]'"
    ], err
    assert not (tmp_path / "s").exists()


def test_a_cluster_that_refuses_the_driver_names_token_authentication(tmp_path, monkeypatch):
    from alexnet_cifar.study import ray_executor

    def refuse(**_):
        raise ConnectionError("Failed to connect to Ray cluster at 10.0.0.1:6379")

    monkeypatch.setattr(ray_executor, "_reachable", lambda address, timeout: True)
    monkeypatch.setattr(ray, "is_initialized", lambda: False)
    monkeypatch.setattr(ray, "init", refuse)
    monkeypatch.delenv("RAY_AUTH_MODE", raising=False)
    with pytest.raises(ConfigError, match=r"could not join .* set RAY_AUTH_MODE=token"):
        run_study("smoke", tmp_path / "s", executor="ray", address="10.0.0.1:6379")
    assert not (tmp_path / "s").exists()


def test_an_address_without_the_ray_executor_is_one_line(tmp_path, capsys):
    argv = ["study", "--preset", "smoke", "--out", str(tmp_path / "s"), "--address", "h:6379"]
    assert main(argv) != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "alexnet-cifar: error: --address is the Ray cluster's: add --executor ray, or drop it"
    ], err
    assert not (tmp_path / "s").exists()


def test_a_study_under_torchrun_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("WORLD_SIZE", "2")
    with pytest.raises(ConfigError, match="study under torchrun"):
        run_study("smoke", tmp_path / "s")
    assert not (tmp_path / "s").exists()


def test_an_unreachable_address_is_one_line_within_the_time_limit(tmp_path):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    start = time.monotonic()
    with pytest.raises(ConfigError, match=f"--address 127.0.0.1:{port}: no Ray cluster answered"):
        run_study("smoke", tmp_path / "s", executor="ray", address=f"127.0.0.1:{port}")
    assert time.monotonic() - start < 15
    assert not (tmp_path / "s").exists()
