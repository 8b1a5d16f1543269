"""A full disk at any write ends in one line naming the file, exit 2, nothing half-written, and a
run that resumes once space is freed: on a real small filesystem (where this process may mount
one) and by making each writer fail short the way its library does."""

from __future__ import annotations

import errno
import json
import os
import subprocess
from collections import namedtuple
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("tensorflow")

from alexnet_cifar.backends import get_backend  # noqa: E402
from alexnet_cifar.cli import main  # noqa: E402
from alexnet_cifar.system import atomic  # noqa: E402

FLAGS = "--model alexnet-cifar --limit-train 120 --limit-test 50 --batch-size 16 --device cpu"
CHECKPOINT = {"pytorch": "checkpoint.pt", "keras": "checkpoint.keras.npz"}
Usage = namedtuple("Usage", "total used free")


def run_train(out: Path, framework: str, epochs: int, *extra: str) -> int:
    args = ["train", *FLAGS.split(), "--framework", framework, "--epochs", str(epochs)]
    return main([*args, "--precision", "fp32", "--quiet", "--out", str(out), *extra])


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob(".*.tmp*")]


def one_line(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    return err


@pytest.fixture
def tiny_data(monkeypatch, cifar_tiny):
    monkeypatch.setattr("alexnet_cifar.cli.options.data_from_args", lambda args: cifar_tiny)


@pytest.fixture
def small_disk(tmp_path):
    """A tmpfs mounted in tmp_path (root only); yields a function that resizes it."""
    mount = tmp_path / "disk"
    mount.mkdir()

    def size(kib: int, remount: bool = True) -> None:
        options = f"{'remount,' if remount else ''}size={kib}k"
        subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(mount)], check=True)

    try:
        size(64, remount=False)
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        yield mount, size
    finally:
        subprocess.run(["umount", str(mount)], check=False)


# Keras twice as slow to start: its twin in the full suite only
@pytest.mark.parametrize("framework", ["pytorch", pytest.param("keras", marks=pytest.mark.slow)])
def test_a_real_full_disk_in_epoch_2_is_one_line_and_resumes_once_freed(
    tmp_path, tiny_data, small_disk, framework, capsys
):
    # the disk holds one checkpoint and its records, not the second checkpoint's temporary copy
    assert run_train(tmp_path / "measure", framework, 1) == 0
    measured = tmp_path / "measure"
    checkpoint = (measured / CHECKPOINT[framework]).stat().st_size
    records = sum(p.stat().st_size for p in measured.rglob("*") if p.is_file()) - checkpoint
    mount, size = small_disk
    size((checkpoint + checkpoint // 2 + records + 64 * 1024) // 1024)
    capsys.readouterr()
    out = mount / "run"
    rc = run_train(out, framework, 2)
    err = one_line(capsys)
    assert rc == 2 and "No space left on device; free some space there" in err, err
    assert str(out) in err
    assert leftovers(out) == []
    state = json.loads((out / "state.json").read_text())
    assert state["status"] == "failed" and state["epochs_done"] == 1, (err, state)
    lines = (out / "metrics.jsonl").read_text().splitlines()
    epochs = [json.loads(line)["epoch"] for line in lines]
    assert epochs == [0]
    size((3 * checkpoint + records) // 1024 + 1024)  # space freed
    assert main(["train", "--resume", str(out), "--quiet"]) == 0, capsys.readouterr().err
    assert json.loads((out / "results.json").read_text())["epochs"] == 2


def short_writer(message: str, kind: type[Exception]):
    """A writer that puts a few bytes down and fails as its library does on a full disk."""

    def write(self, path, epochs_done):
        Path(path).write_bytes(b"PK\x03\x04 cut")
        raise kind(message)

    return write


@pytest.mark.parametrize(
    "framework, kind, message",
    [
        ("pytorch", RuntimeError, "[enforce fail at inline_container.cc:672] . unexpected pos"),
        pytest.param(
            "keras",
            OSError,
            "Can't synchronously write data (file write failed)",
            marks=pytest.mark.slow,  # Keras' start-up: its twin in the full suite only
        ),
    ],
)
def test_a_checkpoint_writer_that_fails_short_on_a_full_disk_is_one_line(
    tmp_path, tiny_data, monkeypatch, capsys, framework, kind, message
):
    trainer = get_backend(framework).Trainer
    real = trainer.write_checkpoint

    def full_in_epoch_2(self, path, epochs_done):
        if epochs_done == 2:
            monkeypatch.setattr(atomic.shutil, "disk_usage", lambda p: Usage(10**9, 10**9, 0))
            return short_writer(message, kind)(self, path, epochs_done)
        return real(self, path, epochs_done)

    monkeypatch.setattr(trainer, "write_checkpoint", full_in_epoch_2)
    out = tmp_path / "run"
    rc = run_train(out, framework, 2)
    err = one_line(capsys)
    assert rc == 2
    assert f"{out / CHECKPOINT[framework]}: No space left on device; free some space" in err
    assert leftovers(out) == []
    assert json.loads((out / "state.json").read_text())["status"] == "failed"


def test_a_writer_error_with_space_left_is_not_called_a_full_disk(tmp_path, tiny_data, monkeypatch):
    trainer = get_backend("pytorch").Trainer
    monkeypatch.setattr(trainer, "write_checkpoint", short_writer("a bug", RuntimeError))
    with pytest.raises(RuntimeError, match="a bug"):
        run_train(tmp_path / "run", "pytorch", 1)
    assert leftovers(tmp_path / "run") == []


def no_space(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))  # as write() raises it: no file name


class FullFile:
    """A file object whose writes fail as on a full disk."""

    def __init__(self, f):
        self._f = f

    def write(self, data):
        no_space()

    def __getattr__(self, name):
        return getattr(self._f, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._f.close()


@pytest.mark.parametrize("file", ["metrics.jsonl", "events.out.tfevents"])
def test_a_full_disk_at_the_records_is_one_line_naming_the_file(
    tmp_path, tiny_data, monkeypatch, capsys, file
):
    import builtins

    real_open = builtins.open

    def open_full(path, mode="r", *args, **kwargs):
        f = real_open(path, mode, *args, **kwargs)
        return FullFile(f) if file in str(path) and ("a" in mode or "w" in mode) else f

    monkeypatch.setattr(builtins, "open", open_full)
    out = tmp_path / "run"
    rc = run_train(out, "pytorch", 1)
    err = one_line(capsys)
    assert rc == 2 and file in err and "No space left on device; free some space" in err
    assert leftovers(out) == []


def test_an_atomic_write_on_a_full_disk_names_the_file_and_keeps_the_old_one(tmp_path, monkeypatch):
    target = tmp_path / "results.json"
    atomic.write_json(target, {"old": 1})
    monkeypatch.setattr(Path, "write_bytes", no_space)
    with pytest.raises(OSError) as info:
        atomic.write_json(target, {"new": 2})
    assert info.value.errno == errno.ENOSPC and info.value.filename == str(target)
    assert json.loads(target.read_text()) == {"old": 1}
    assert leftovers(tmp_path) == []


def test_a_full_disk_under_the_report_is_one_line(tmp_path, tiny_data, monkeypatch, capsys):
    out = tmp_path / "run"
    assert run_train(out, "pytorch", 1) == 0
    capsys.readouterr()

    def savefig_full(self, fname, **kwargs):
        Path(fname).write_bytes(b"\x89PNG cut")
        monkeypatch.setattr(atomic.shutil, "disk_usage", lambda p: Usage(10**9, 10**9, 0))
        raise ValueError("short write")  # what a writer reports is its own affair

    monkeypatch.setattr("matplotlib.figure.Figure.savefig", savefig_full)
    rc = main(["report", str(tmp_path)])
    err = one_line(capsys)
    assert rc == 2 and "No space left on device; free some space" in err
    assert str(tmp_path / "report") in err
    assert leftovers(tmp_path / "report") == []
