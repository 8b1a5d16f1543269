"""The run folder survives what users and crashes do to it: a cut last line, damaged files,
leftover run files, a second process."""

import json
import warnings

import pytest

from alexnet_cifar.config import TrainConfig
from alexnet_cifar.errors import ConfigError
from alexnet_cifar.runs import RunDir, read_json


def test_a_last_line_cut_short_is_dropped_and_said(tmp_path):
    run = RunDir(tmp_path)
    run.metrics_file.write_text('{"epoch": 0, "x": 1}\n{"epoch": 1, "x": 2}\n{"epoch": 2, "x"')
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert [r["epoch"] for r in run.metrics()] == [0, 1]
    assert "last line was cut short" in str(caught[0].message)
    assert str(run.metrics_file) in str(caught[0].message)
    assert run.metrics_file.read_text().count("\n") == 2  # repaired on disk
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and said once only
        assert len(run.metrics()) == 2


def test_a_damaged_line_before_the_last_is_an_error_naming_the_file(tmp_path):
    run = RunDir(tmp_path)
    run.metrics_file.write_text('{"epoch": 0}\nnot json\n{"epoch": 2}\n')
    with pytest.raises(ConfigError, match=r"metrics.jsonl: line 2 is damaged"):
        run.metrics()


def test_a_cut_json_file_is_one_line_naming_it(tmp_path):
    path = tmp_path / "results.json"
    path.write_text('{"test_accuracy": 0.8, "per_cl')
    with pytest.raises(ConfigError, match=r"results.json: cannot be read .*cut or damaged"):
        read_json(path)


def test_a_new_run_refuses_a_folder_holding_run_files(tmp_path):
    config = TrainConfig(model="alexnet-cifar")
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "checkpoint.pt").write_bytes(b"x")
    (tmp_path / "old" / "metrics.jsonl").write_text("")
    with pytest.raises(ConfigError, match=r"holds run files \(checkpoint.pt, metrics.jsonl\)"):
        RunDir.create(tmp_path / "old", config)
    (tmp_path / "afile").write_text("x")
    with pytest.raises(ConfigError, match="is a file; give a folder"):
        RunDir.create(tmp_path / "afile", config)
    (tmp_path / "empty").mkdir()
    RunDir.create(tmp_path / "empty", config)  # an empty folder is fine
    assert json.loads((tmp_path / "empty" / "config.json").read_text())["model"] == "alexnet-cifar"


def test_a_second_process_on_the_same_run_is_refused(tmp_path):
    run = RunDir(tmp_path)
    with run.lock():
        with pytest.raises(ConfigError, match=r"in use by another alexnet-cifar process \(pid"):
            with RunDir(tmp_path).lock():
                pass
    with run.lock():  # released on exit
        pass


def test_images_per_second_survives_a_clock_that_saw_no_time():
    import math

    from alexnet_cifar.training.trainer import images_per_second

    assert images_per_second(256, 0.5) == 512
    assert math.isnan(images_per_second(256, 0.0))


def test_time_to_accuracy_counts_wall_time_until_validation_first_reaches_each_mark():
    from alexnet_cifar.training.records import time_to_accuracy

    epochs = [
        {"seconds": 9.0, "wall_seconds": 10.0, "val_accuracy": 0.7},
        {"seconds": 9.0, "wall_seconds": 11.0, "val_accuracy": 0.86},
        {"seconds": 9.0, "wall_seconds": 12.0, "val_accuracy": 0.84},
        {"seconds": 9.0, "val_accuracy": 0.88},  # an epoch recorded before wall_seconds
    ]
    assert time_to_accuracy(epochs) == {"0.8": 21.0, "0.85": 21.0, "0.9": None}


def test_records_keep_paths_portable(monkeypatch, tmp_path):
    """A path under the home folder is kept as ~/..., any other relative to the working
    folder: never an absolute path of the machine."""
    from alexnet_cifar.system.environment import portable_path

    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    assert portable_path(tmp_path / "home" / ".cache" / "x") == "~/.cache/x"
    assert portable_path(tmp_path / "data" / "cifar10") == "data/cifar10"
    assert portable_path("relative/run") == "relative/run"
