"""Every run records the machine's state: at each epoch the share of the processor other
processes took and the load average and, timed before it trains, the speed of a few
compute-only steps of its own model where asked; timing them changes nothing of what the run
learns."""

import json
import statistics

import pytest

from alexnet_cifar import train
from alexnet_cifar.cli import main

from train_fixtures import small_config


# Keras twice as slow to start: its twin in the full suite only
@pytest.mark.parametrize("framework", ["pytorch", pytest.param("keras", marks=pytest.mark.slow)])
def test_the_probe_is_recorded_and_changes_nothing_the_run_learns(tmp_path, cifar_tiny, framework):
    runs = {}
    for probe in (0, 2):
        asked = {"speed_probe": probe} if probe else {}  # off by default
        config = small_config(
            tmp_path / str(probe),
            framework,
            epochs=2,
            limit_train=120,
            limit_test=50,
            batch_size=16,
            **asked,
        )
        results = train(config, data=cifar_tiny, progress=False)
        lines = (tmp_path / str(probe) / "run" / "metrics.jsonl").read_text().splitlines()
        runs[probe] = results, [json.loads(line) for line in lines]
    (off, off_epochs), (on, on_epochs) = runs[0], runs[2]
    assert all(e["load_average"] > 0 for e in on_epochs + off_epochs)
    assert all(0 <= e["others_cpu"] <= 1 for e in on_epochs + off_epochs)
    assert on["others_cpu"] == pytest.approx(statistics.median(e["others_cpu"] for e in on_epochs))
    assert "machine_speed" not in off_epochs[0] and off["machine_speed"] is None
    assert on["machine_speed"] > 0 and {e["machine_speed"] for e in on_epochs} == {
        on["machine_speed"]
    }
    assert on["load_average"] > 0
    # the probe's fresh model and its seeds leave the run's own trajectory alone
    assert [e["train_loss"] for e in on_epochs] == [e["train_loss"] for e in off_epochs]
    assert on["test_predictions"] == off["test_predictions"]


def test_a_negative_probe_is_one_line_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "run"
    rc = main(["train", "--model", "alexnet-cifar", "--speed-probe", "-1", "--out", str(out)])
    err = capsys.readouterr().err.strip()
    assert rc == 2 and err == (
        "alexnet-cifar: error: --speed-probe must be a whole number >= 0, got -1"
    )
    assert not out.exists()
