"""Quiet start-up: a PyTorch run never imports TensorFlow (TensorBoard events are written
without it), and a Keras command hides TensorFlow's C++ start-up notices unless the user sets
TF_CPP_MIN_LOG_LEVEL; any other line TensorFlow writes meanwhile still shows."""

import os
import subprocess
import sys

import pytest

from alexnet_cifar.backends.startup import tensorflow_notices_held

from cifar_fixtures import make_official

NOTICES = ("absl::InitializeLog", "oneDNN custom operations", "cudart_stub", "cuInit")

RUN = """
import sys
from alexnet_cifar.cli import main
status = main(sys.argv[1:])
print("tensorflow imported:", "tensorflow" in sys.modules)
sys.exit(status)
"""


@pytest.fixture(scope="module")
def official(tmp_path_factory):
    folder, _, _ = make_official(tmp_path_factory.mktemp("data"), per_batch=20, n_test=20)
    return folder


def train(framework: str, data, out, **env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    flags = "--model alexnet-cifar --epochs 1 --batch-size 16 --device cpu --quiet --no-verify"
    cmd = [sys.executable, "-c", RUN, "train", "--framework", framework, *flags.split()]
    cmd += ["--data-dir", str(data), "--out", str(out)]
    return subprocess.run(cmd, env={**base, **env}, capture_output=True, text=True, timeout=300)


def test_a_pytorch_run_imports_no_tensorflow_and_writes_readable_events(tmp_path, official):
    done = train("pytorch", official, tmp_path / "run")
    assert done.returncode == 0, done.stderr
    assert "tensorflow imported: False" in done.stdout
    assert not [n for n in NOTICES if n in done.stderr], done.stderr
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    events = EventAccumulator(str(tmp_path / "run" / "tensorboard"))
    events.Reload()
    assert {"train_loss", "val_accuracy", "lr"} <= set(events.Tags()["scalars"])
    assert [e.step for e in events.Scalars("train_loss")] == [1]


def test_keras_start_up_notices_show_only_when_the_user_asks(tmp_path, official):
    quiet = train("keras", official, tmp_path / "quiet")
    assert quiet.returncode == 0, quiet.stderr
    assert not [n for n in NOTICES if n in quiet.stderr], quiet.stderr
    asked = train("keras", official, tmp_path / "asked", TF_CPP_MIN_LOG_LEVEL="0")
    assert asked.returncode == 0, asked.stderr
    assert "oneDNN custom operations" in asked.stderr or "cuInit" in asked.stderr


def test_lines_that_are_not_start_up_notices_still_show(capfd, monkeypatch):
    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL", raising=False)
    with tensorflow_notices_held():
        os.write(2, b"I0000 port.cc:153] oneDNN custom operations are on. You may see...\n")
        os.write(2, b"E0000 some_kernel.cc:1] a real error\n")
        print("a Python warning", file=sys.stderr)
    err = capfd.readouterr().err
    assert "oneDNN" not in err
    assert "a real error" in err and "a Python warning" in err
