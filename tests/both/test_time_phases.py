"""Where an epoch's time goes (training/phases.py): the same phases in both frameworks, adding
up to the epoch's wall time, and a slow input pipeline showing as input."""

import importlib
import json
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
