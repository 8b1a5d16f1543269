"""Runs survive faults: a crash between the record and the checkpoint, a damaged checkpoint,
a failed resume, a diverged run re-evaluated, a first epoch that fails, SIGTERM."""

import json
import os
import signal

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("tensorflow")

from alexnet_cifar import evaluate, train  # noqa: E402
from alexnet_cifar.cli import main  # noqa: E402
from alexnet_cifar.errors import ConfigError, TrainingDiverged  # noqa: E402
from alexnet_cifar.training.trainer import Trainer  # noqa: E402

from train_fixtures import small_config  # noqa: E402

CHECKPOINT = {"pytorch": "checkpoint.pt", "keras": "checkpoint.keras.npz"}


def epochs_of(run) -> list[int]:
    return [json.loads(line)["epoch"] for line in (run / "metrics.jsonl").read_text().splitlines()]


@pytest.mark.parametrize("framework", ["pytorch", "keras"])
def test_a_cut_checkpoint_is_one_line_and_changes_nothing(tmp_path, cifar_tiny, framework):
    config = small_config(tmp_path, framework, epochs=1, limit_train=120, batch_size=16)
    train(config, data=cifar_tiny, progress=False)
    run = tmp_path / "run"
    checkpoint = run / CHECKPOINT[framework]
    checkpoint.write_bytes(checkpoint.read_bytes()[: checkpoint.stat().st_size // 2])
    before = (run / "config.json").read_text()
    config.epochs = 4
    with pytest.raises(ConfigError, match=rf"{CHECKPOINT[framework]}: the checkpoint cannot be"):
        train(config, data=cifar_tiny, resume=True, progress=False)
    assert (run / "config.json").read_text() == before  # the failed resume changed nothing
    with pytest.raises(ConfigError, match="Delete it to train this run again"):
        evaluate(run, data=cifar_tiny, progress=False)


# Keras twice as slow to start: its twin in the full suite only
@pytest.mark.parametrize("framework", ["pytorch", pytest.param("keras", marks=pytest.mark.slow)])
def test_records_that_disagree_with_the_checkpoint_stop_the_resume(tmp_path, cifar_tiny, framework):
    """A lost record, in the middle of metrics.jsonl or at its end, is one line naming both
    files; nothing is trained or rewritten."""
    config = small_config(tmp_path, framework, epochs=3, limit_train=120, batch_size=16)
    train(config, data=cifar_tiny, progress=False)
    run = tmp_path / "run"
    lines = (run / "metrics.jsonl").read_text().splitlines(keepends=True)
    config.epochs = 4
    for damaged in (lines[0] + lines[2], lines[0] + lines[1]):
        (run / "metrics.jsonl").write_text(damaged)
        before = {f: (run / f).read_bytes() for f in ("config.json", CHECKPOINT[framework])}
        state = (run / "state.json").read_text()
        with pytest.raises(ConfigError) as info:
            train(config, data=cifar_tiny, resume=True, progress=False)
        message = str(info.value)
        assert "metrics.jsonl records epochs 1, " in message and "holds epochs 1-3" in message
        assert CHECKPOINT[framework] in message and "\n" not in message
        assert (run / "metrics.jsonl").read_text() == damaged
        assert {f: (run / f).read_bytes() for f in before} == before
        assert (run / "state.json").read_text() == state


@pytest.mark.parametrize("framework", ["pytorch", "keras"])
def test_both_checkpoints_hold_the_runs_config(tmp_path, cifar_tiny, framework):
    import numpy as np

    config = small_config(tmp_path, framework, epochs=1, limit_train=120, batch_size=16)
    train(config, data=cifar_tiny, progress=False)
    run = tmp_path / "run"
    if framework == "pytorch":
        held = torch.load(run / CHECKPOINT[framework], weights_only=True)["config"]
    else:
        with np.load(run / CHECKPOINT[framework]) as f:
            held = json.loads(str(f["config"]))
    assert held == json.loads((run / "config.json").read_text())


def test_a_diverged_run_stays_diverged_when_evaluated(tmp_path, cifar_tiny):
    def poison(epoch, record, model):
        with torch.no_grad():
            for p in model.parameters():
                p.fill_(float("nan"))

    config = small_config(tmp_path, "pytorch", epochs=3, limit_train=120, batch_size=16)
    with pytest.raises(TrainingDiverged):
        train(config, data=cifar_tiny, progress=False, callbacks=[poison])
    evaluate(tmp_path / "run", data=cifar_tiny, progress=False)
    state = json.loads((tmp_path / "run" / "state.json").read_text())
    assert state["status"] == "diverged"


def test_a_first_epoch_that_diverges_leaves_no_folder_to_block_a_retry(tmp_path, cifar_tiny):
    config = small_config(tmp_path, "pytorch", epochs=2, lr=1e30, limit_train=120)
    with pytest.raises(TrainingDiverged, match="no epoch had finished, so there is nothing"):
        train(config, data=cifar_tiny, progress=False)
    assert not (tmp_path / "run").exists()
    config.lr = 0.01
    config.epochs = 1
    assert train(config, data=cifar_tiny, progress=False)["epochs"] == 1


def test_sigterm_is_an_interrupt_with_the_resume_command(tmp_path, cifar_tiny, monkeypatch, capsys):
    monkeypatch.setattr("alexnet_cifar.cli.options.data_from_args", lambda args: cifar_tiny)
    real_epoch = Trainer._epoch

    def terminated_in_epoch_2(self, epoch):
        if epoch == 1:
            os.kill(os.getpid(), signal.SIGTERM)
        return real_epoch(self, epoch)

    monkeypatch.setattr(Trainer, "_epoch", terminated_in_epoch_2)
    out = tmp_path / "run"
    flags = "--model alexnet-cifar --limit-train 120 --limit-test 50 --batch-size 16"
    rc = main(
        ["train", *flags.split(), "--epochs", "3", "--device", "cpu", "--quiet", "--out", str(out)]
    )
    err = capsys.readouterr().err
    assert rc == 143
    assert f"continue with: alexnet-cifar train --resume {out}" in err
    assert json.loads((out / "state.json").read_text()) == {
        "status": "interrupted",
        "epochs_done": 1,
    }


def test_weights_files_that_are_not_state_dicts_are_refused_in_one_line(tmp_path, capsys):
    class Evil:
        def __reduce__(self):
            return (os.system, ("echo pwned",))

    hostile, plain = tmp_path / "hostile.pth", tmp_path / "plain.pth"
    torch.save({"features.0.weight": torch.zeros(1), "x": Evil()}, hostile)
    torch.save(torch.zeros(3), plain)
    for path, message in (
        (hostile, "refused: it holds Python objects besides tensors"),
        (plain, "holds a Tensor, not a state_dict"),
    ):
        rc = main(
            [
                "convert",
                "--from",
                "pytorch",
                "--to",
                "keras",
                str(path),
                str(tmp_path / "o.weights.h5"),
                "--model",
                "alexnet",
            ]
        )
        err = capsys.readouterr().err.strip()
        assert rc == 2 and len(err.splitlines()) == 1 and message in err and str(path) in err


def test_a_full_disk_is_one_line_and_the_run_is_marked_failed(
    tmp_path, cifar_tiny, monkeypatch, capsys
):
    import errno

    monkeypatch.setattr("alexnet_cifar.cli.options.data_from_args", lambda args: cifar_tiny)

    real = Trainer.save_checkpoint

    def full_disk(self, epochs_done, **kw):  # the disk fills up in epoch 2
        if epochs_done == 2:
            raise OSError(errno.ENOSPC, "No space left on device", str(self.checkpoint_path))
        return real(self, epochs_done, **kw)

    monkeypatch.setattr(Trainer, "save_checkpoint", full_disk)
    out = tmp_path / "run"
    flags = "--model alexnet-cifar --limit-train 120 --limit-test 50 --batch-size 16 --epochs 2"
    rc = main(["train", *flags.split(), "--device", "cpu", "--quiet", "--out", str(out)])
    err = capsys.readouterr().err.strip()
    assert rc == 2 and len(err.splitlines()) == 1
    assert "checkpoint.pt: No space left on device; free some space there" in err
    assert json.loads((out / "state.json").read_text())["status"] == "failed"
    assert epochs_of(out) == [0]  # epoch 1's records and checkpoint agree; epoch 2 is gone


@pytest.mark.parametrize(
    "framework, step",
    [
        ("pytorch", "append_epoch"),
        ("pytorch", "save_checkpoint"),
        ("pytorch", "set_state"),
        pytest.param("keras", "append_epoch", marks=pytest.mark.slow),
        pytest.param("keras", "save_checkpoint", marks=pytest.mark.slow),
    ],
)
def test_a_crash_at_any_write_of_an_epoch_resumes_to_consistent_records(
    tmp_path, cifar_tiny, monkeypatch, framework, step
):
    """An abort injected at each write of epoch 2, then --resume: every epoch recorded once,
    results.json and state.json agree with the records."""
    from alexnet_cifar.runs import RunDir

    owner = RunDir if step in ("append_epoch", "set_state") else Trainer
    real = getattr(owner, step)

    def abort_in_epoch_2(self, *args, **kw):
        epoch_2 = (
            (step == "append_epoch" and args[0]["epoch"] == 1)
            or (step == "save_checkpoint" and args[0] == 2)
            or (step == "set_state" and kw.get("epochs_done") == 2 and args[0] == "running")
        )
        if epoch_2:
            raise RuntimeError("abort")
        return real(self, *args, **kw)

    monkeypatch.setattr(owner, step, abort_in_epoch_2)
    config = small_config(
        tmp_path, framework, epochs=3, limit_train=80, limit_test=40, batch_size=16
    )
    with pytest.raises(RuntimeError, match="abort"):
        train(config, data=cifar_tiny, progress=False)
    monkeypatch.setattr(owner, step, real)
    results = train(config, data=cifar_tiny, resume=True, progress=False)
    run = tmp_path / "run"
    assert epochs_of(run) == [0, 1, 2]
    assert results["epochs"] == 3
    assert json.loads((run / "state.json").read_text()) == {"status": "completed", "epochs_done": 3}


def test_bad_weights_name_the_file_and_leave_no_folder(tmp_path, cifar_tiny, capsys, monkeypatch):
    from alexnet_cifar.arch import get_spec
    from alexnet_cifar.backends import get_backend

    monkeypatch.setattr("alexnet_cifar.cli.options.data_from_args", lambda args: cifar_tiny)
    wrong = tmp_path / "alexnet-owt-7be5be79.pth"  # torchvision's name, another model inside
    torch.save(get_backend("pytorch").build(get_spec("alexnet-cifar")).state_dict(), wrong)
    out = tmp_path / "run"
    flags = "--model alexnet --init imagenet --limit-train 120 --limit-test 50 --batch-size 16"
    argv = ["train", *flags.split(), "--weights", str(wrong), "--device", "cpu", "--quiet"]
    assert main([*argv, "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(wrong) in err and "features.0.weight" in err
    assert not out.exists()  # the same command can be retried once the file is right
