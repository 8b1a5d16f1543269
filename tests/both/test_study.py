"""`study`: presets, the smoke study end to end, skipped rows, failures, resume."""

import json

import pytest

from alexnet_cifar.arch import spec_for

torch = pytest.importorskip("torch")
pytest.importorskip("tensorflow")

from alexnet_cifar import study as study_mod  # noqa: E402
from alexnet_cifar.cli import main  # noqa: E402
from alexnet_cifar.errors import ConfigError  # noqa: E402
from alexnet_cifar.study import matrix  # noqa: E402
from alexnet_cifar.study import run as study_run  # noqa: E402

# the study's seven rows: scratch and pretrained, each framework, and the two ports between them
ROWS = (
    "scratch-pytorch",
    "scratch-keras",
    "imagenet-pytorch",
    "caffe-keras",
    "vgg16-keras",
    "torchvision-keras",
    "caffe-pytorch",
)


def test_every_builtin_preset_has_the_seven_rows_and_valid_configs(tmp_path):
    for name in ("smoke", "quick", "paper", "fair"):
        preset = study_mod.load_preset(name)
        assert tuple(preset["rows"])[: len(ROWS)] == ROWS
        configs = study_mod.row_configs(preset, tmp_path)
        assert configs["scratch-pytorch"][0].framework == "pytorch"
    # paper: each scratch recipe at 32 px too, everything else its 224 px row's
    paper = study_mod.row_configs(study_mod.load_preset("paper"), tmp_path)
    assert len(paper) == len(ROWS) + 2
    for fw in ("pytorch", "keras"):
        small, large = paper[f"scratch-{fw}-32px"][0], paper[f"scratch-{fw}"][0]
        sizes = (spec_for(small).input_size, spec_for(large).input_size)
        assert (small.model, *sizes) == ("alexnet-cifar", 32, 224)
        same = ("optimizer", "lr", "momentum", "weight_decay", "augment", "batchnorm", "epochs")
        assert [getattr(small, k) for k in same] == [getattr(large, k) for k in same]
    fair_preset = study_mod.load_preset("fair")
    fair = study_mod.row_configs(fair_preset, tmp_path)
    recipe = lambda c: (c.optimizer, c.lr, c.schedule, c.augment, c.epochs, c.batch_size)  # noqa
    assert recipe(fair["scratch-pytorch"][0]) == recipe(fair["scratch-keras"][0])
    assert fair_preset["shared_init"] is True and list(fair["scratch-keras"]) == [0, 1, 2]
    # modern: the two scratch rows, one recipe, every new part on, three seeds
    modern = study_mod.row_configs(study_mod.load_preset("modern"), tmp_path)
    assert list(modern) == ["scratch-pytorch", "scratch-keras"]
    assert recipe(modern["scratch-pytorch"][0]) == recipe(modern["scratch-keras"][0])
    config = modern["scratch-keras"][2]
    assert (config.model, config.batchnorm, config.augment, config.tta) == (
        "alexnet-cifar",
        True,
        "crop",
        "flip",
    )
    assert config.ema and config.label_smoothing and config.schedule == "onecycle"
    # transfer: sources on five classes, targets on the other five, starts from the sources
    transfer_preset = study_mod.load_preset("transfer")
    transfer = study_mod.row_configs(transfer_preset, tmp_path)
    assert transfer["source-pytorch"][1].classes == [
        "airplane",
        "automobile",
        "bird",
        "cat",
        "deer",
    ]
    head = transfer["head-50-keras"][1]
    assert head.classes == ["dog", "frog", "horse", "ship", "truck"] and head.finetune == "head"
    assert head.init_from == str(tmp_path / "runs" / "source-pytorch" / "seed-1")
    assert transfer["finetune-500-pytorch-bgr"][0].channels == "bgr"
    assert len(transfer) == 23 and list(transfer["scratch-all-keras"]) == [0, 1, 2]
    quick = study_mod.row_configs(study_mod.load_preset("quick"), tmp_path, seeds=2)
    assert {s: c.out for s, c in quick["scratch-keras"].items()} == {
        0: str(tmp_path / "runs" / "scratch-keras" / "seed-0"),
        1: str(tmp_path / "runs" / "scratch-keras" / "seed-1"),
    }


@pytest.mark.slow
def test_smoke_study_end_to_end(tmp_path, cifar_real, offline, capsys, monkeypatch, pth, npy):
    weights = tmp_path / "weights"
    weights.mkdir()
    (weights / pth.name).symlink_to(pth)
    (weights / npy.name).symlink_to(npy)
    monkeypatch.setattr("alexnet_cifar.cli.options.data_from_args", lambda args: cifar_real)
    # the smoke preset with fewer images: every row and the report, in a third of the time
    import yaml

    smoke = study_mod.load_preset("smoke")
    smoke["defaults"].update(limit_train=100, limit_test=60, batch_size=16)
    del smoke["name"]
    preset = tmp_path / "smoke.yaml"
    preset.write_text(yaml.safe_dump(smoke))
    out = tmp_path / "study"
    rc = main(
        [
            "study",
            "--preset",
            str(preset),
            "--out",
            str(out),
            "--weights-dir",
            str(weights),
            "--quiet",
            "--lang",
            "en",
            "es",
        ]
    )
    assert rc == 0, capsys.readouterr().err
    record = json.loads((out / "study.json").read_text())
    status = {n: r["status"] for n, r in record["rows"].items()}
    assert status == {
        "scratch-pytorch": "completed",
        "scratch-keras": "completed",
        "imagenet-pytorch": "completed",
        "caffe-keras": "completed",
        "vgg16-keras": "skipped",
        "torchvision-keras": "completed",
        "caffe-pytorch": "completed",
    }
    assert (
        "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5"
        in record["rows"]["vgg16-keras"]["reason"]
    )
    assert not (out / "runs" / "vgg16-keras").exists()
    for lang in ("en", "es"):
        assert (out / "report" / f"report.{lang}.html").stat().st_size > 10_000
    md = (out / "report" / "report.en.md").read_text()
    assert "| vgg16-keras | not run: weights not available | — |" in md
    # six finished rows, one seed and one epoch each: no spread to show
    assert md.count("| 1 | 1 | n/a |") == 6
    assert record["command"].startswith("alexnet-cifar study --preset ")
    assert record["command"].endswith("--resume") and record["command"] in md


def test_interrupted_study_resumes_without_redoing_finished_rows(tmp_path, cifar_real, monkeypatch):
    preset = tmp_path / "mini.yaml"
    preset.write_text(
        "defaults: {epochs: 1, batch_size: 16, limit_train: 100, limit_test: 40, "
        "model: alexnet-cifar, device: cpu}\n"
        "rows:\n  a: {framework: pytorch}\n  b: {framework: pytorch, seed: 1}\n"
    )
    import alexnet_cifar.api as api

    real_train, calls = api.train, []

    def flaky(config, **kw):
        calls.append(config.out)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real_train(config, **kw)

    monkeypatch.setattr(api, "train", flaky)
    out = tmp_path / "s"
    with pytest.raises(KeyboardInterrupt):
        study_mod.run_study(str(preset), out, data=cifar_real, progress=False, echo=lambda m: 0)
    record = json.loads((out / "study.json").read_text())
    assert record["rows"]["a"]["status"] == "completed"
    assert record["rows"]["b"]["status"] == "interrupted"
    with pytest.raises(ConfigError, match="already holds a study; continue it with --resume"):
        study_mod.run_study(str(preset), out, data=cifar_real, progress=False)
    mtime = (out / "runs" / "a" / "seed-0" / "results.json").stat().st_mtime_ns
    study_mod.run_study(
        str(preset), out, resume=True, data=cifar_real, progress=False, echo=lambda m: 0
    )
    assert calls[2:] == [str(out / "runs" / "b" / "seed-1")]
    assert (out / "runs" / "a" / "seed-0" / "results.json").stat().st_mtime_ns == mtime
    assert json.loads((out / "study.json").read_text())["rows"]["b"]["status"] == "completed"


def test_a_failing_row_does_not_lose_the_others(tmp_path, cifar_real, monkeypatch):
    preset = tmp_path / "mini.yaml"
    preset.write_text(
        "defaults: {epochs: 1, batch_size: 16, limit_train: 100, limit_test: 40, "
        "model: alexnet-cifar, device: cpu}\n"
        "rows:\n  bad: {framework: pytorch, lr: 1.0e+30}\n  good: {framework: pytorch}\n"
    )
    record = study_mod.run_study(
        str(preset), tmp_path / "s", data=cifar_real, progress=False, echo=lambda m: 0
    )
    assert record["rows"]["bad"]["status"] == "failed"
    assert "loss became" in record["rows"]["bad"]["reason"]
    assert record["rows"]["good"]["status"] == "completed"


def test_bad_presets_fail_before_any_work(tmp_path, capsys):
    assert main(["study", "--preset", "nope", "--out", str(tmp_path / "s")]) == 2
    err = capsys.readouterr().err
    assert "unknown preset 'nope'; choose one of fair, modern, paper, quick, smoke" in err
    bad = tmp_path / "bad.yaml"
    bad.write_text("rows:\n  x: {framework: pytorch, epochs: -3}\n")
    assert main(["study", "--preset", str(bad), "--out", str(tmp_path / "s")]) == 2
    assert "row x: --epochs must be a positive integer" in capsys.readouterr().err
    bad.write_text("rows:\n  x: {framework: pytorch, learning_rate: 3}\n")
    assert main(["study", "--preset", str(bad), "--out", str(tmp_path / "s")]) == 2
    assert "unknown config keys: learning_rate" in capsys.readouterr().err
    assert (
        main(["study", "--preset", "smoke", "--only", "nosuchrow", "--out", str(tmp_path / "s")])
        == 2
    )
    assert "--only nosuchrow: not rows of preset smoke" in capsys.readouterr().err
    assert not (tmp_path / "s").exists()


def test_shared_init_starts_both_frameworks_from_one_file_per_seed(tmp_path, cifar_real):
    preset = tmp_path / "shared.yaml"
    preset.write_text(
        "shared_init: true\nseeds: 2\n"
        "defaults: {epochs: 1, batch_size: 16, limit_train: 100, limit_test: 40, "
        "model: alexnet-cifar, device: cpu, lr: 1.0e-12}\n"
        "rows:\n  t: {framework: pytorch}\n  k: {framework: keras}\n"
    )
    out = tmp_path / "s"
    record = study_mod.run_study(
        str(preset), out, data=cifar_real, progress=False, echo=lambda m: 0
    )
    assert {r["status"] for r in record["rows"].values()} == {"completed"}
    # one file per seed, made by the row that ran first in that seed (t, then k: the rows
    # alternate), and both rows of the seed start from it
    files = sorted(p.name for p in (out / "init").iterdir())
    assert files == ["alexnet-cifar-32px-seed-0.pt", "alexnet-cifar-32px-seed-1.weights.h5"]
    for seed, name in enumerate(files):
        starts = {
            json.loads((out / "runs" / row / f"seed-{seed}" / "config.json").read_text())[
                "init_from"
            ]
            for row in ("t", "k")
        }
        assert starts == {str(out / "init" / name)}


def test_preset_mistakes_name_the_preset_row_and_valid_keys(tmp_path):
    bad = tmp_path / "typo.yaml"
    bad.write_text("rows:\n  x: {framework: pytorch, learning_rate: 3}\n")
    with pytest.raises(
        ConfigError,
        match=r"preset typo, row x: unknown config keys: "
        r"learning_rate \(valid keys: framework, model, .*\blr\b",
    ):
        study_mod.row_configs(study_mod.load_preset(str(bad)), tmp_path)
    bad.write_text("row:\n  x: {framework: pytorch}\nrows:\n  y: {}\n")
    with pytest.raises(ConfigError, match=r"unknown key\(s\) row; a preset holds defaults"):
        study_mod.load_preset(str(bad))


def test_one_process_per_study_folder(tmp_path, cifar_real):
    from alexnet_cifar.runs import RunDir

    with RunDir(tmp_path / "s").lock():
        with pytest.raises(ConfigError, match="in use by another alexnet-cifar process"):
            study_mod.run_study("smoke", tmp_path / "s", data=cifar_real, progress=False)


def test_the_recorded_command_covers_every_row_and_seed_the_study_holds(tmp_path):
    """A study grown by `--only` and `--seeds` invocations records the one command that
    re-runs all of it, not the last invocation's."""
    preset = tmp_path / "mini.yaml"
    preset.write_text(
        "defaults: {epochs: 1, model: alexnet-cifar, device: cpu}\n"
        "rows:\n  a: {framework: pytorch}\n  b: {framework: keras}\n  c: {framework: pytorch}\n"
    )
    loaded, out = study_mod.load_preset(str(preset)), tmp_path / "s"

    def recorded_command(only, seeds, recorded):
        configs = study_mod.row_configs(loaded, out, only, seeds=seeds)
        run = study_run.StudyRun(
            preset=loaded,
            configs=configs,
            out=out,
            resume=True,
            data=None,
            data_dir=None,
            progress=False,
            echo=print,
            command_of=(str(preset), None),
        )
        return study_run.covering_command(run, recorded)

    head = matrix.study_command(str(preset), out).removesuffix(" --resume")
    assert recorded_command(["a"], None, {}) == f"{head} --only a --resume"
    one_seed_of_a = {"a": {"seeds": {"0": {"status": "completed"}}}}
    assert recorded_command(["b"], 2, one_seed_of_a) == f"{head} --only a b --seeds 2 --resume"
    a_and_b = {**one_seed_of_a, "b": {"seeds": {"0": {}, "1": {}}}}
    assert recorded_command(["c"], None, a_and_b) == f"{head} --seeds 2 --resume"
    assert recorded_command(None, None, {}) == f"{head} --resume"


def test_a_study_records_one_commit_and_refuses_uncommitted_source(
    tmp_path, cifar_tiny, monkeypatch, capsys
):
    """Uncommitted changes in the package: one line, nothing written, the data never loaded;
    --allow-dirty runs and the report warns. Resumed from another source: refused likewise."""
    preset = tmp_path / "p.yaml"
    preset.write_text(
        "defaults: {epochs: 1, limit_train: 120, limit_test: 50, batch_size: 16, "
        "model: alexnet-cifar, device: cpu, speed_probe: 0}\nrows:\n  a: {framework: pytorch}\n"
    )
    monkeypatch.setattr("alexnet_cifar.study.run.source_commit", lambda: "abc+changes")
    monkeypatch.setattr("alexnet_cifar.cli.options.data_from_args", lambda args: 1 / 0)
    out = tmp_path / "s"
    rc = main(["study", "--preset", str(preset), "--out", str(out), "--quiet"])
    err = capsys.readouterr().err.strip()
    assert rc == 2 and err.startswith("alexnet-cifar: error: the alexnet_cifar source has ")
    assert "--allow-dirty" in err and len(err.splitlines()) == 1
    assert not (out / "study.json").exists()
    monkeypatch.setattr("alexnet_cifar.cli.options.data_from_args", lambda args: cifar_tiny)
    args = ["study", "--preset", str(preset), "--out", str(out), "--quiet", "--lang", "en", "es"]
    assert main([*args, "--allow-dirty"]) == 0
    record = json.loads((out / "study.json").read_text())
    assert record["commit"] == "abc" and record["dirty"] is True
    report = (out / "report" / "report.en.md").read_text()
    assert "Warning: this study ran from source with uncommitted changes" in report
    assert (
        "Atención: este estudio se ejecutó con cambios sin confirmar"
        in (out / "report" / "report.es.md").read_text()
    )
    # a clean checkout of another source may not continue it
    monkeypatch.setattr("alexnet_cifar.study.run.source_commit", lambda: "def")
    monkeypatch.setattr("alexnet_cifar.study.run.source_tree", lambda: "tree-1")
    capsys.readouterr()
    assert main([*args, "--resume"]) == 2
    err = capsys.readouterr().err
    assert "this study started from commit abc" in err and "git checkout abc" in err


TRANSFER_PRESET = """\
defaults: {epochs: 1, limit_train: 150, limit_test: 50, batch_size: 16, model: alexnet-cifar,
           batchnorm: true, device: cpu, speed_probe: 0, precision: fp32}
rows:
  source: {framework: pytorch, classes: [airplane, automobile, bird, cat, deer]}
  head-keras: {framework: keras, classes: [dog, frog, horse, ship, truck],
               init_from: {row: source}, finetune: head}
"""


def test_a_row_starts_from_another_rows_run_and_is_skipped_when_that_failed(
    tmp_path, cifar_tiny, monkeypatch
):
    preset = tmp_path / "transfer.yaml"
    preset.write_text(TRANSFER_PRESET)
    out = tmp_path / "s"
    said = []
    record = study_mod.run_study(
        str(preset), out, data=cifar_tiny, progress=False, echo=said.append
    )
    assert record["rows"]["head-keras"]["status"] == "completed"
    assert said[-2:] == [
        "[1/2] source seed 0: pytorch alexnet-cifar (scratch)",
        "[2/2] head-keras seed 0: keras alexnet-cifar (from source seed 0)",
    ]
    results = json.loads((out / "runs/head-keras/seed-0/results.json").read_text())
    assert results["config"]["init_from"].endswith("runs/source/seed-0")
    assert results["new_layers"] == ["classifier_6"]  # the Keras name of the last layer
    assert results["class_names"] == ["dog", "frog", "horse", "ship", "truck"]

    # the source's checkpoint gone before its dependent runs: one line naming it
    gone = tmp_path / "gone"
    study_mod.run_study(str(preset), gone, only=["source"], data=cifar_tiny, progress=False)
    (gone / "runs/source/seed-0/checkpoint.pt").unlink()
    record = study_mod.run_study(str(preset), gone, resume=True, data=cifar_tiny, progress=False)
    reason = record["rows"]["head-keras"]["reason"]
    assert record["rows"]["head-keras"]["status"] == "failed" and "\n" not in reason
    assert reason == f"--init-from {gone}/runs/source/seed-0: that run has no checkpoint yet"
    # rows that start from rows run in order, here: no Ray cluster is started for them
    with pytest.raises(ConfigError, match="use --executor local for this preset"):
        study_mod.run_study(str(preset), tmp_path / "r", executor="ray", data=cifar_tiny)
    assert not (tmp_path / "r").exists()

    import alexnet_cifar.api as api

    def broken(config, **kw):  # the source fails: its dependent must not run at all
        if "/source/" in config.out:
            raise RuntimeError("the source broke")
        pytest.fail(f"{config.out} ran although its start failed")

    monkeypatch.setattr(api, "train", broken)
    failed = study_mod.run_study(str(preset), tmp_path / "f", data=cifar_tiny, progress=False)
    assert failed["rows"]["source"]["status"] == "failed"
    row = failed["rows"]["head-keras"]
    assert row["status"] == "skipped"
    assert row["reason"] == "its start, row source seed 0, did not complete (failed)"
