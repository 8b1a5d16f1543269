"""A run prints one line per epoch (a job's log file shows no progress bar): its metrics as
recorded, and an estimate of the time left while epochs remain."""

import json
import math

import pytest

from alexnet_cifar.training.progress import duration, epoch_line

from train_fixtures import small_config


@pytest.mark.parametrize("framework", ["pytorch", "keras"])
def test_each_epoch_prints_its_record_and_the_time_left(tmp_path, cifar_real, capsys, framework):
    pytest.importorskip("torch" if framework == "pytorch" else "tensorflow")
    from alexnet_cifar import train

    config = small_config(tmp_path, framework, limit_train=128, schedule="cosine")
    train(config, data=cifar_real, progress=True)
    lines = [l for l in capsys.readouterr().out.splitlines() if l.startswith("epoch ")]
    records = [json.loads(l) for l in open(tmp_path / "run" / "metrics.jsonl")]
    assert len(lines) == 2
    first, last = lines
    assert first.startswith("epoch 1/2: ") and last.startswith("epoch 2/2: ")
    for line, record in zip(lines, records):
        assert f"val loss {record['val_loss']:.3f}, accuracy {record['val_accuracy']:.1%}" in line
        assert f"loss {record['train_loss']:.3f}" in line
    # the rates the epoch trained at: the last epoch of a cosine run does not show "lr 0"
    assert records[1]["lr"] == pytest.approx(0.05 * 0.5, rel=1e-5)
    assert records[1]["lr_last"] == pytest.approx(
        0.05 * 0.5 * (1 + math.cos(math.pi * (2 * 3 - 1) / (2 * 3))), rel=1e-5
    )
    assert f"lr {records[1]['lr']:.3g} -> {records[1]['lr_last']:.3g})" in last
    assert "left" in first and "left" not in last

    train(
        small_config(tmp_path / "quiet", framework, limit_train=128, epochs=1),
        data=cifar_real,
        progress=False,
    )
    assert "epoch 1/1" not in capsys.readouterr().out


def test_the_line_without_validation_and_the_durations():
    record = {
        "epoch": 2,
        "train_loss": 1.23456,
        "train_accuracy": 0.5,
        "seconds": 615.0,
        "images_per_second": 73.2,
        "lr": 0.00994,
        "val_loss": None,
        "val_accuracy": None,
    }
    line = epoch_line(record, 20, 17 * 615.0)
    assert line == (
        "epoch 3/20: loss 1.235, accuracy 50.0%; 10 min (73 img/s, lr 0.00994); about 2.9 h left"
    )
    assert "left" not in epoch_line(record, 3, 0.0)
    ranged = epoch_line({**record, "lr_last": 0.0025}, 20, None)
    assert "(73 img/s, lr 0.00994 -> 0.0025)" in ranged
    assert [duration(s) for s in (42, 89.4, 17 * 60, 3.4 * 3600)] == [
        "42 s",
        "89 s",
        "17 min",
        "3.4 h",
    ]
