"""Where an epoch's time goes (training/phases.py): the same phases in both frameworks, adding
up to the epoch's wall time, and a slow input pipeline showing as input."""

import importlib
import json
import statistics
import time

import pytest

from alexnet_cifar.api import train
from alexnet_cifar.training.phases import PHASES

from train_fixtures import small_config


def _records(tmp_path) -> list[dict]:
    return [json.loads(line) for line in open(tmp_path / "run" / "metrics.jsonl")]


@pytest.mark.parametrize("framework", ["pytorch", "keras"])
def test_phases_add_up_to_the_epoch(tmp_path, cifar_real, framework):
    # 20 steps an epoch: two sync-closed windows of 10, so the first holds the warm-up
    config = small_config(tmp_path, framework, limit_train=800, val_fraction=0.2, batch_size=32)
    results = train(config, data=cifar_real, progress=False)
    records = _records(tmp_path)
    for r in records:
        assert list(r["phases"]) == list(PHASES)
        assert all(v >= 0 for v in r["phases"].values())
        assert sum(r["phases"].values()) == pytest.approx(r["wall_seconds"], rel=0.05)
        assert r["phases"]["compute"] > 0 and r["phases"]["validation"] > 0
        assert r["phases"]["records"] > 0  # the checkpoint is written inside it
    # the warm-up is the process's first epoch's alone
    assert records[1]["phases"]["warmup"] == 0
    assert results["phases"] == pytest.approx(
        {p: sum(r["phases"][p] for r in records) for p in PHASES}
    )


@pytest.mark.parametrize("framework", ["pytorch", "keras"])
def test_a_slow_input_pipeline_shows_as_input(tmp_path, cifar_real, monkeypatch, framework):
    """A test hook makes drawing each epoch's plan take 0.5 s longer: the input phase holds it,
    the compute phase does not."""
    pipeline = importlib.import_module(f"alexnet_cifar.backends.{framework}.pipeline")
    real_plan = pipeline.epoch_plan

    def slow_plan(*args, **kwargs):
        time.sleep(0.5)
        return real_plan(*args, **kwargs)

    monkeypatch.setattr(pipeline, "epoch_plan", slow_plan)
    config = small_config(tmp_path, framework, epochs=1)
    train(config, data=cifar_real, progress=False)
    (record,) = _records(tmp_path)
    assert record["phases"]["input"] >= 0.5
    assert record["phases"]["compute"] < record["seconds"] - 0.5


@pytest.mark.parametrize("framework", ["pytorch", "keras"])
def test_bench_breakdown_prints_the_phases_and_writes_a_trace(
    tmp_path, cifar_real, monkeypatch, capsys, framework
):
    from alexnet_cifar.cli import main

    monkeypatch.setattr("alexnet_cifar.cli.options.data_from_args", lambda args: cifar_real)
    trace, out = tmp_path / "trace", tmp_path / "bench.json"
    argv = ["bench", "--framework", framework, "--model", "alexnet-cifar", "--batch-size", "16"]
    argv += ["--steps", "1", "--warmup", "0", "--no-naive", "--no-fp32-baseline"]
    argv += ["--precision", "fp32", "--quiet", "--output", str(out)]
    assert main([*argv, "--breakdown", "4", "--trace", str(trace)]) == 0
    printed = capsys.readouterr().out
    for phase in PHASES:
        assert phase in printed
    b = json.loads(out.read_text())["breakdown"]
    epochs = b["epochs"]
    assert len(epochs) == 2 and epochs[1]["phases"]["warmup"] == 0
    # the trainer's rate, held against the compute-only step timed before and after the run
    phases = epochs[1]["phases"]
    rate = 2 * 16 / (phases["input"] + phases["compute"] + phases["overhead"])
    assert b["training_rate"] == pytest.approx(rate)
    assert all(r > 0 for r in b["compute_train_around"])
    step = statistics.mean(b["compute_train_around"])
    assert b["training_over_compute"] == pytest.approx(rate / step)
    assert "the compute-only step" in printed
    assert [p for p in trace.rglob("*") if p.is_file()]  # the profiler's files
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".trace")]  # no staging left


def test_bench_trace_refuses_a_used_or_unwritable_folder(tmp_path, cifar_real, monkeypatch, capsys):
    from alexnet_cifar.cli import main

    monkeypatch.setattr("alexnet_cifar.cli.options.data_from_args", lambda args: cifar_real)
    used = tmp_path / "used"
    used.mkdir()
    (used / "old.trace").write_text("x")
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    out = tmp_path / "bench.json"
    argv = ["bench", "--model", "alexnet-cifar", "--steps", "1", "--output", str(out), "--quiet"]
    assert main([*argv, "--breakdown", "4", "--trace", str(used)]) == 2
    assert "it exists and is not an empty folder" in capsys.readouterr().err
    assert [p.name for p in used.iterdir()] == ["old.trace"]
    import os

    if os.geteuid() != 0:  # root writes anywhere
        assert main([*argv, "--breakdown", "4", "--trace", str(locked / "t")]) == 2
        assert "cannot be written" in capsys.readouterr().err
    assert main([*argv, "--trace", str(tmp_path / "new")]) == 2
    assert "add --breakdown STEPS" in capsys.readouterr().err
    assert not out.exists()  # nothing measured, nothing written
