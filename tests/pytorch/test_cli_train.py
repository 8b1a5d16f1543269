"""train / evaluate / summary / bench through the command line, on a tiny fixture."""

import json

import pytest

pytest.importorskip("torch")

from alexnet_cifar.cli import main  # noqa: E402

from cifar_fixtures import make_official  # noqa: E402


@pytest.fixture
def fixture_dir(tmp_path):
    folder, _, _ = make_official(tmp_path / "data", per_batch=40, n_test=30)
    return folder


def test_train_evaluate_resume(tmp_path, fixture_dir, capsys):
    run = tmp_path / "run"
    common = ["--data-dir", str(fixture_dir), "--no-verify", "--quiet"]
    rc = main(
        [
            "train",
            "--model",
            "alexnet-cifar",
            "--epochs",
            "1",
            "--batch-size",
            "16",
            "--device",
            "cpu",
            "--out",
            str(run),
            *common,
        ]
    )
    assert rc == 0
    out = capsys.readouterr().out
    assert "test accuracy" in out and "truck" in out
    results = json.loads((run / "results.json").read_text())
    assert results["epochs"] == 1 and results["num_test_images"] == 30
    assert json.loads((run / "config.json").read_text())["batch_size"] == 16
    assert list((run / "tensorboard").iterdir())

    assert main(["evaluate", str(run), *common]) == 0
    moved = tmp_path / "moved"
    run.rename(moved)
    assert main(["train", "--resume", str(moved), "--epochs", "2", *common]) == 0
    assert len((moved / "metrics.jsonl").read_text().splitlines()) == 2
    assert not run.exists()
    run = moved
    assert main(["train", "--resume", str(run), "--lr", "0.5", *common]) == 2
    assert "--resume keeps the run's settings; drop --lr" in capsys.readouterr().err


def test_train_errors_are_clean(tmp_path, capsys):
    assert main(["train", "--epochs", "0", "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert "--epochs must be a positive integer" in err and "Traceback" not in err
    assert main(["evaluate", str(tmp_path)]) == 2
    assert "not a run directory" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["train", "--model", "vgg99", "--out", str(tmp_path / "r")])
    assert "invalid choice: 'vgg99'" in capsys.readouterr().err


def test_summary_json_counts_parameters_in_the_framework(capsys):
    assert main(["summary", "--framework", "pytorch", "--model", "alexnet", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["parameters"] == 57_044_810
    assert info["framework_parameters"] == {"pytorch": 57_044_810}
    assert info["layers"][0]["output_shape"] == [64, 55, 55]
    assert [r["layer"] for r in info["layers"][:3]] == [
        "conv 64@11x11/4 p2",
        "relu",
        "maxpool 3x3/2",
    ]
    assert main(["summary", "--framework", "pytorch", "--model", "alexnet-caffe"]) == 0
    table = capsys.readouterr().out
    assert " lrn " in table and "LayerKind" not in table


@pytest.mark.slow  # the PIL DataLoader's worker processes
def test_bench_writes_json(tmp_path, fixture_dir, capsys):
    out = tmp_path / "bench.json"
    assert (
        main(
            [
                "bench",
                "--framework",
                "pytorch",
                "--model",
                "alexnet-cifar",
                "--batch-size",
                "8",
                "--steps",
                "1",
                "--warmup",
                "1",
                "--device",
                "cpu",
                "--precision",
                "fp16",  # GradScaler's fp16 runs on every CPU; bf16 needs native support
                "--data-dir",
                str(fixture_dir),
                "--no-verify",
                "--output",
                str(out),
            ]
        )
        == 0
    )
    r = json.loads(out.read_text())
    for key in ("compute_train", "pipeline_train", "naive_train", "compute_inference"):
        assert r[key] > 0
    assert r["pipeline_over_naive"] == pytest.approx(r["pipeline_train"] / r["naive_train"])
    # the fp32 baseline is timed in the same run, and the other memory layout on the CPU
    assert r["precision"] == "fp16" and r["fp32"]["compute_train"] > 0
    assert r["speedup_over_fp32"]["compute_train"] == pytest.approx(
        r["compute_train"] / r["fp32"]["compute_train"]
    )
    assert r["channels_last_over_nchw"] == pytest.approx(
        r["compute_train"] / r["nchw_compute_train"]
    )
    printed = capsys.readouterr().out
    assert "pipeline / naive" in printed and "fp16 / fp32 (train)" in printed


def test_evaluate_before_any_checkpoint_is_one_line_and_loads_no_data(
    tmp_path, fixture_dir, capsys, monkeypatch
):
    from alexnet_cifar.config import TrainConfig

    run = tmp_path / "run"  # a run stopped in its first epoch: a config, no checkpoint
    run.mkdir()
    (run / "config.json").write_text(json.dumps(TrainConfig(out=str(run)).to_dict()))

    def no_data(args):
        pytest.fail("evaluate loaded CIFAR-10 before checking the run")

    monkeypatch.setattr("alexnet_cifar.cli.options.data_from_args", no_data)
    assert main(["evaluate", str(run), "--data-dir", str(fixture_dir)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"{run}: no checkpoint yet" in err[0], err
