"""`report` on run directories made by hand: tables, conclusions, languages, significance,
figures, reproducibility, bad input."""

import datetime as dt
import json
import re
from pathlib import Path

import numpy as np
import pytest

from alexnet_cifar.cli import main
from alexnet_cifar.errors import ConfigError
from alexnet_cifar.report import write_report
from alexnet_cifar.report.i18n import NBSP, TEXT, Words, texts
from alexnet_cifar.report.speed import compare_speed
from alexnet_cifar.study.matrix import load_preset, preset_names
from alexnet_cifar.weights.registry import SOURCES, download_failed, local_file

from cifar_fixtures import CLASSES

# the machine's state a lone run on an otherwise idle machine records each epoch
IDLE = {"load_average": 2.0, "others_cpu": 0.01}


def fake_run(
    root,
    name,
    framework,
    init,
    predictions,
    labels,
    epochs=3,
    seed=None,
    to_85=None,
    seconds=(10.0, 12.5, 40.0),
    state=IDLE,
    classes=CLASSES,
    train_images=45000,
    config=(),
):
    """``state``: the machine's state each epoch records (load average, other processes'
    share of the processor); None: records of a release before they were kept. ``config``:
    more fields of the run's config."""
    run = root / "runs" / name / (f"seed-{seed}" if seed is not None else "")
    run.mkdir(parents=True)
    (run / "tensorboard").mkdir()
    preds, labels = np.array(predictions), np.array(labels)
    per_class = {c: float((preds[labels == i] == i).mean()) for i, c in enumerate(classes)}
    cm = np.zeros((len(classes), len(classes)), int)
    np.add.at(cm, (labels, preds), 1)
    results = {
        "framework": framework,
        "model": "alexnet",
        "init": init,
        "batchnorm": False,
        "input_size": 224,
        "test_accuracy": float((preds == labels).mean()),
        "per_class_accuracy": per_class,
        "confusion_matrix": cm.tolist(),
        "class_names": list(classes),
        "num_test_images": len(labels),
        "num_train_images": train_images,
        "num_val_images": 5000,
        "epochs": epochs,
        "seconds_per_epoch": float(np.median(seconds[:epochs])),
        "train_images_per_second": 3600.0,
        "parameters": 57044810,
        "software": {"torch": "2.9.0"} if framework == "pytorch" else {"tensorflow": "2.20.0"},
        "hardware": {"gpu": "Test GPU", "cpu": "x", "cpu_count": 2, "python": "3.11.7"},
        "test_indices": list(range(len(labels))),
        "test_predictions": preds.tolist(),
        "test_labels": labels.tolist(),
        "config": {
            "seed": seed or 0,
            "framework": framework,
            "lr": 0.01,
            "epochs": epochs,
            **dict(config),
        },
        "time_to_accuracy": {"0.8": to_85, "0.85": to_85, "0.9": None},
        "finished": "2026-11-30T12:00:00+00:00",
        "commit": "0123456789ab",
    }
    (run / "results.json").write_text(json.dumps(results))
    (run / "metrics.jsonl").write_text(
        "".join(
            json.dumps(
                {
                    "epoch": e,
                    "train_loss": 2.0 - 0.5 * e,
                    "train_accuracy": 0.3 + 0.1 * e,
                    "val_accuracy": 0.3 + 0.1 * e,
                    "seconds": seconds[e],
                    "images_per_second": 45000 / seconds[e],
                    **(state or {}),
                }
            )
            + "\n"
            for e in range(epochs)
        )
    )


def skip_reasons() -> dict[str, str]:
    """The skip reasons a study records when ImageNet weights are missing, as the registry
    words them (with this machine's home folder in them)."""
    torchvision = str(download_failed(SOURCES["torchvision"], "Name or service not known"))
    try:
        local_file(None, SOURCES["caffe-npy"])
        caffe = ""
    except Exception as exc:  # the registry's own message
        caffe = str(exc)
    return {"imagenet-pytorch": torchvision, "torchvision-keras": torchvision, "caffe-keras": caffe}


@pytest.fixture
def study(tmp_path):
    labels = np.repeat(np.arange(10), 20)
    rng = np.random.default_rng(0)
    scratch = np.where(rng.random(200) < 0.6, labels, (labels + 1) % 10)
    pretrained = np.where(rng.random(200) < 0.9, labels, (labels + 3) % 10)
    fake_run(tmp_path, "scratch-pytorch", "pytorch", "scratch", scratch, labels)
    fake_run(tmp_path, "imagenet-pytorch", "pytorch", "imagenet", pretrained, labels)
    rows = {"scratch-pytorch": {"status": "completed"}, "imagenet-pytorch": {"status": "completed"}}
    for name, reason in skip_reasons().items():
        if name != "imagenet-pytorch":
            rows[name] = {"status": "skipped", "reason": reason}
    (tmp_path / "study.json").write_text(
        json.dumps({"preset": "quick", "description": "d", "rows": rows})
    )
    return tmp_path, scratch, pretrained, labels


def test_tables_significance_conclusions_and_notes(study):
    root, scratch, pretrained, labels = study
    paths = write_report(root, langs=("en", "es"))
    assert {p.name for p in paths} == {
        "report.en.md",
        "report.en.html",
        "report.es.md",
        "report.es.html",
    }
    md = (root / "report" / "report.en.md").read_text()
    acc_s, acc_p = (scratch == labels).mean(), (pretrained == labels).mean()
    # the headline: one seed has no spread (n/a), the epochs' median and range
    # no --tta: no single-view figure beside the accuracy
    assert f"| scratch-pytorch | {100 * acc_s:.2f}% | — | n/a | " in md
    assert "| 12.5 (10.0 to 40.0) | not reached |" in md
    assert "| caffe-keras | not run: weights not available | — | — | — | — |" in md
    assert "| scratch-pytorch | pytorch | alexnet | scratch | fp32 | 1 | 3 | n/a |" in md
    assert "| 57,044,810 |" in md
    d = 100 * (acc_p - acc_s)
    assert (
        f"| scratch-pytorch / imagenet-pytorch | {100 * acc_s:.2f}% | {100 * acc_p:.2f}% "
        f"| {d:+.2f} | n/a | n/a |" in md
    )
    # told apart on one seed by McNemar: a ranking, and the short pretrained run named
    assert "PyTorch from torchvision's AlexNet ImageNet weights is the most accurate row" in md
    assert (
        "PyTorch from torchvision's AlexNet ImageNet weights reaches" in md and "McNemar p = " in md
    )
    # beside the earlier study, with what differs computed from the config (the fake run has
    # the earlier setup but for its 3 epochs)
    assert (
        f"PyTorch from scratch reaches {100 * acc_s:.2f}% where the earlier study reached "
        "79.72%; what differs: 3 epochs instead of 20." in md
    )
    # the earlier studies' whole table, each number with this study's status for its row
    table = md.split("## The earlier studies, number by number")[1].split("\n## ")[0]
    assert table.count("\n| ") == 8  # header + 7 numbers
    assert "| Keras from the Caffe AlexNet weights | 70.00% |" in table
    assert "| caffe-keras | not run: weights not available |" in table
    assert "| vgg16-keras | not a row of this study |" in table
    # every skip reason once, grouped by its weights, with a path a reader can follow
    assert md.count("alexnet-owt-7be5be79.pth into ~/.cache/torch/hub/checkpoints/") == 1
    assert "torchvision-keras and imagenet-pytorch" not in md  # imagenet-pytorch ran
    assert "- torchvision-keras: torchvision's AlexNet ImageNet weights could not be" in md
    assert "- caffe-keras: the Caffe AlexNet weights were not found" in md
    assert str(Path.home()) + "/" not in md and ".../" not in md
    assert "Hardware: Test GPU." in md
    # how to reproduce: versions, date, commit, command, links to the runs
    assert "Software: Python 3.11.7, torch 2.9.0." in md
    assert "Finished: November 30, 2026. Commit: 0123456789ab." in md
    assert "alexnet-cifar study --preset quick --out " in md and "--seeds 1" in md
    assert "[TensorBoard](../runs/scratch-pytorch/tensorboard/)" in md
    for fig in ("curves.en.png", "per_class.en.png", "confusion.scratch-pytorch.en.png"):
        assert (root / "report" / "figures" / fig).stat().st_size > 1000


def english_left(page: str) -> list[str]:
    """The words of the English catalog (or of a preset's English text) that Spanish does not
    use too, found in a Spanish HTML page once the proper names, row names, commands, file
    names and URLs are set aside."""
    text = re.sub(r"<(pre|code|style|title)[^>]*>.*?</\1>", " ", page, flags=re.S)
    text = re.sub(r"data:image/png;base64,[^'\"]+", " ", text)
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"https?://\S+|\S+\.(?:pth|npy|h5|json|jsonl)\b|--[\w-]+|~/\S*", " ", text)
    text = re.sub(r"\b[\w]+(?:-[\w]+)+\b", " ", text)  # row names, model names
    text = re.sub(r"«[^»]*»", " ", text)  # a preset's name
    word = re.compile(r"[A-Za-záéíóúñü]{4,}")

    def words(strings) -> set[str]:
        found = set()
        for s in strings:
            for piece in s if isinstance(s, tuple) else (s,):
                found |= {m.lower() for m in word.findall(re.sub(r"\{\w+\}", " ", piece))}
        return found

    english = words(TEXT["en"].values()) | words(
        load_preset(n)["description"]["en"] for n in preset_names()
    )
    spanish = words(texts("es").values())
    proper = {"pytorch", "keras", "imagenet", "alexnet", "torchvision", "caffe", "mcnemar"}
    proper |= {"epyc"}  # the processor a preset names where it was measured
    english_only = english - spanish - proper
    assert len(english_only) > 100  # the check has teeth
    return sorted(set(w.lower() for w in word.findall(text)) & english_only)


def test_spanish_report_is_all_spanish(study):
    """No English sentence in the Spanish report of a study with skipped rows."""
    root, *_ = study
    write_report(root, langs=("es",))
    page = (root / "report" / "report.es.html").read_text()
    assert "<td>ciervo</td>" in page and "<td>desde cero</td>" in page
    # curves, over time, epoch times, per-class bars, one confusion matrix per row: all inline
    assert page.count("data:image/png;base64,") == 6 and "src='figures" not in page
    assert "<a href='figures/curves.es.png'><img" in page  # a click opens it full size
    assert not english_left(page)
    assert "semilla(s)" not in page and "fila(s)" not in page


def test_numbers_follow_the_language():
    en, es = Words("en"), Words("es")
    assert en.pct(0.8055) == "80.55%" and es.pct(0.8055) == f"80,55{NBSP}%"
    # Babel's locale data (CLDR): a point groups Spanish thousands, from five digits on
    assert en.count(10000) == "10,000" and es.count(10000) == "10.000"
    assert es.count(4415) == "4415" and es.count(4415626) == "4.415.626"
    assert es.num(1234.5, 2) == "1234,50" and en.num(1234.5, 2) == "1,234.50"
    assert es.date(dt.date(2026, 11, 30)) == "30 de noviembre de 2026"
    assert es.points(-0.0124) == "-1,24" and en.points(0.0083) == "+0.83"
    assert es.num(-0.0001, 2) == "0,00"  # no negative zero
    assert es.plural("n_seeds", 1) == "1 semilla" and es.plural("n_seeds", 3) == "3 semillas"
    assert en.join(["a", "b", "c"]) == "a, b and c" and es.join(["a", "b"]) == "a y b"


def test_spanish_tables_and_figures_use_decimal_commas(study):
    root, scratch, _, labels = study
    write_report(root, langs=("es",), formats=("md",))
    md = (root / "report" / "report.es.md").read_text()
    acc = f"{100 * (scratch == labels).mean():.2f}".replace(".", ",")
    assert f"| scratch-pytorch | {acc}{NBSP}% | \u2014 | no aplica |" in md
    assert "| 57.044.810 |" in md and "12,5 (10,0 a 40,0)" in md
    assert "exactitud" in md and "formato numérico" in md and "| precisión" not in md


def three_seed_study(
    root: Path, keras_levels, keras_seconds=(20.0, 25.0, 80.0), states=None, keras_pace=(1, 1, 1)
) -> Path:
    """scratch-pytorch at 60/70/65% over three seeds against scratch-keras at
    ``keras_levels``, on the same 300 test images; ``states``: row -> the machine's state in
    each seed's run (default: one machine, idle alike); ``keras_pace``: each Keras seed's
    epoch times as a multiple of ``keras_seconds``."""
    labels = np.repeat(np.arange(10), 30)
    rng = np.random.default_rng(1)
    levels = {"scratch-pytorch": (0.60, 0.70, 0.65), "scratch-keras": keras_levels}
    seconds = {"scratch-pytorch": (10.0, 12.5, 40.0), "scratch-keras": keras_seconds}
    to_85 = {"scratch-pytorch": (600.0, 900.0, None), "scratch-keras": (300.0, 360.0, 420.0)}
    study = {"preset": "p", "description": "", "rows": {}}
    for name in levels:
        framework, runs = name.split("-")[1], {}
        for seed, level in enumerate(levels[name]):
            preds = np.where(rng.random(300) < level, labels, (labels + 1) % 10)
            fake_run(
                root,
                name,
                framework,
                "scratch",
                preds,
                labels,
                seed=seed,
                to_85=to_85[name][seed],
                seconds=tuple(
                    t * (keras_pace[seed] if framework == "keras" else 1) for t in seconds[name]
                ),
                **({"state": states[name][seed]} if states else {}),
            )
            runs[str(seed)] = {"status": "completed", "run_dir": f"runs/{name}/seed-{seed}"}
        study["rows"][name] = {"status": "completed", "seeds": runs}
    (root / "study.json").write_text(json.dumps(study))
    return root


def _section(md: str, title: str) -> str:
    return md.split(f"## {title}")[1].split("\n## ")[0]


@pytest.mark.slow  # whole reports: the fast tier keeps its 3 minutes
def test_conclusions_follow_the_numbers(tmp_path):
    """Two synthetic studies: Keras level with PyTorch, and Keras far below. The conclusions
    rank a row only in the second, and each states the speed ratio it measured."""
    level = three_seed_study(tmp_path / "level", (0.66, 0.62, 0.69))
    apart = three_seed_study(tmp_path / "apart", (0.30, 0.36, 0.33), (10.0, 12.5, 40.0))
    write_report(level, langs=("en",), formats=("md",))
    write_report(apart, langs=("en",), formats=("md",))
    same = _section((level / "report" / "report.en.md").read_text(), "Conclusions")
    diff = _section((apart / "report" / "report.en.md").read_text(), "Conclusions")
    assert "Keras from scratch and PyTorch from scratch reach the same test accuracy" in same
    assert "most accurate" not in same and "includes 0" in same
    assert re.search(r"only a difference of about \d+\.\d\d points or more", same)
    # Keras' epochs take twice PyTorch's in every seed, on one steady machine
    assert (
        "PyTorch from scratch trains faster: Keras from scratch needs 2.00 times its time" in same
    )
    assert "(95% interval 2.00 to 2.00, over 3 seeds run side by side)" in same
    assert "PyTorch from scratch is the most accurate row" in diff
    assert "do not train to the same accuracy" in diff and "excludes 0" in diff
    assert "not told apart in speed" in diff and "includes 1" in diff
    assert same != diff


@pytest.mark.slow  # renders whole reports: the full suite's
def test_no_faster_framework_where_the_machine_drifted_between_runs(tmp_path):
    """Keras' epochs take longer than PyTorch's in every seed, but the machine was not alike:
    another process took 30% of it during the Keras runs; or Keras' own seeds, which do the
    same arithmetic, ran 30% apart (a machine that slowed down); or runs from before the share
    of other processes was kept saw load averages 30% apart; or the runs recorded nothing of
    the machine. The report names no faster framework, and says why."""
    steady = [IDLE] * 3
    shared = {"scratch-pytorch": steady, "scratch-keras": [{**IDLE, "others_cpu": 0.3}] * 3}
    older = {
        "scratch-pytorch": [{"load_average": 2.0}] * 3,
        "scratch-keras": [{"load_average": 2.6}] * 3,
    }
    old = {"scratch-pytorch": [None] * 3, "scratch-keras": [None] * 3}
    cases = {
        "busy": ({"states": shared}, "other processes used 30% of the machine's processor time"),
        "slowed": ({"keras_pace": (1.0, 1.2, 1.3)}, "one row's time per epoch moved by 30%"),
        "loaded": ({"states": older}, "the machine's load average moved by 30%"),
        "old": ({"states": old}, "did not record how busy the machine was"),
    }
    for name, (how, why) in cases.items():
        folder = three_seed_study(tmp_path / name, (0.66, 0.62, 0.69), **how)
        write_report(folder, langs=("en", "es"), formats=("md",))
        text = _section((folder / "report" / "report.en.md").read_text(), "Conclusions")
        assert "trains faster" not in text and "are not compared" in text and why in text, name
        first = (folder / "report" / "report.en.md").read_text().split("\n\n")[1]
        assert "Keras from scratch and PyTorch from scratch are level" in first
        assert "these runs cannot tell which of the two is faster" in first
        es = (folder / "report" / "report.es.md").read_text()
        assert "entrena más rápido" not in es and "No se comparan las velocidades" in es


def _runs(seconds: list[float], **state) -> dict[int, dict]:
    """Seed -> a run whose epochs all took ``seconds[seed]`` and recorded ``state``."""
    return {s: {"metrics": [{"seconds": t, **state}] * 5} for s, t in enumerate(seconds)}


def test_a_row_s_own_epochs_not_its_start_up_probe_say_whether_the_machine_held():
    """Two rows whose seeds each took the same time per epoch are compared, however far apart
    the few steps timed before each run read (a process's start-up, not the machine); a row
    whose own seeds ran 16% apart is not, and neither are runs beside a busy process."""
    a = _runs([100.0, 101.0, 99.0], others_cpu=0.01, machine_speed=158.0)
    b = _runs([130.0, 131.0, 129.0], others_cpu=0.01, machine_speed=96.0)
    a[1]["metrics"] = [{**m, "machine_speed": 60.0} for m in a[1]["metrics"]]
    found = compare_speed(a, b)
    assert found.verdict == "faster" and found.ratio == pytest.approx(1.3, abs=0.01)
    assert found.interval[0] > 1.25 and found.interval[1] < 1.35
    slowed = _runs([130.0, 150.0, 129.0], others_cpu=0.01)
    found = compare_speed(a, slowed)
    assert (found.verdict, found.what) == ("drift", "speed")
    assert found.spread == pytest.approx(150 / 129)
    found = compare_speed(a, _runs([130.0, 131.0, 129.0], others_cpu=0.08))
    assert found.verdict == "busy" and found.spread == 0.08
    # the load average alone (older records) still decides, within 10%
    old_a, old_b = _runs([100.0] * 2, load_average=2.0), _runs([130.0] * 2, load_average=2.1)
    assert compare_speed(old_a, old_b).verdict == "faster"
    loaded = _runs([130.0] * 2, load_average=2.4)
    assert compare_speed(old_a, loaded).what == "load"
    assert compare_speed(_runs([100.0] * 2), old_b).verdict == "unrecorded"


def test_several_seeds_give_mean_spread_and_a_paired_interval(tmp_path):
    three_seed_study(tmp_path, (0.66, 0.62, 0.69))
    study = json.loads((tmp_path / "study.json").read_text())
    study["rows"]["vgg16-keras"] = {
        "status": "failed",
        "reason": "could not read /home/someone/.keras/models/vgg16.h5 (see https://x.org/a/b)",
        "seeds": {"0": {"status": "failed"}},
    }
    (tmp_path / "study.json").write_text(json.dumps(study))
    write_report(tmp_path, langs=("en",))
    md = (tmp_path / "report" / "report.en.md").read_text()
    got = {}
    for name in ("scratch-pytorch", "scratch-keras"):
        per_seed = [
            json.loads((tmp_path / "runs" / name / f"seed-{s}" / "results.json").read_text())[
                "test_accuracy"
            ]
            for s in range(3)
        ]
        got[name] = per_seed
        mean, sd = 100 * np.mean(per_seed), 100 * np.std(per_seed, ddof=1)
        assert f"| {name} | {mean:.2f}% | \u2014 | {sd:.2f} |" in md
        assert f"| {100 * min(per_seed):.2f}% to {100 * max(per_seed):.2f}% |" in md
        assert f"| {name} | " + " | ".join(f"{100 * a:.2f}%" for a in per_seed) + " |" in md
    # two scratch rows: the title names the one comparison they make
    assert md.startswith("# AlexNet on CIFAR-10: PyTorch vs Keras\n")
    # minutes to 85% validation accuracy: the median of the seeds that got there, and how many
    assert "| 12.5 min (2/3) |" in md and "| 6.0 min |" in md
    diff = np.array(got["scratch-keras"]) - np.array(got["scratch-pytorch"])
    assert f"Keras from scratch - PyTorch from scratch = {100 * diff.mean():+.2f} points" in md
    # the machine's home stays out of a committed report as ~; URLs are kept
    assert "/home/someone" not in md
    assert "could not read ~/.keras/models/vgg16.h5 (see https://x.org/a/b)" in md
    for fig in ("over_time.en.png", "times.en.png"):
        assert (tmp_path / "report" / "figures" / fig).stat().st_size > 0
    diff_fig = "confusion-diff.scratch-pytorch.scratch-keras.en.png"
    assert (tmp_path / "report" / "figures" / diff_fig).stat().st_size > 1000


@pytest.mark.slow  # renders whole reports: the full suite's
def test_rows_with_different_seeds_are_compared_on_the_seeds_both_ran(tmp_path):
    """PyTorch with three seeds, Keras with one (an --only run halfway): the pair's A, B and
    B - A are seed 0's, and the speed line says what each row's epoch times span."""
    three_seed_study(tmp_path, (0.66, 0.62, 0.69))
    study = json.loads((tmp_path / "study.json").read_text())
    for seed in ("1", "2"):
        del study["rows"]["scratch-keras"]["seeds"][seed]
        for f in (tmp_path / "runs" / "scratch-keras" / f"seed-{seed}").iterdir():
            if f.is_file():
                f.unlink()
    (tmp_path / "study.json").write_text(json.dumps(study))
    write_report(tmp_path, langs=("en", "es"), formats=("md",))
    md = (tmp_path / "report" / "report.en.md").read_text()

    def acc(name, seed):
        path = tmp_path / "runs" / name / f"seed-{seed}" / "results.json"
        return 100 * json.loads(path.read_text())["test_accuracy"]

    pt, keras = acc("scratch-pytorch", 0), acc("scratch-keras", 0)
    pt_mean = np.mean([acc("scratch-pytorch", s) for s in range(3)])
    assert abs(pt_mean - pt) > 0.005  # else the test could not tell the mean from seed 0
    assert (
        f"| scratch-pytorch / scratch-keras (seed 0 only, the one both rows ran) "
        f"| {pt:.2f}% | {keras:.2f}% | {keras - pt:+.2f} | n/a |" in md
    )
    assert f"on one seed: {pt:.2f}% against {keras:.2f}%" in md
    assert f"| scratch-pytorch | {pt_mean:.2f}% |" in md  # the results table keeps the mean
    # the speeds too are compared on the one seed both ran: no interval, no verdict
    assert "share one seed" in md and "neither is called faster" in md
    es = (tmp_path / "report" / "report.es.md").read_text()
    assert "(solo la semilla 0, la que ejecutaron ambas configuraciones)" in es
    assert "solo comparten una semilla" in es and "ninguna de las dos se declara más rápida" in es


def test_one_epoch_study_says_na_and_ranks_nothing(tmp_path):
    labels = np.repeat(np.arange(10), 20)
    rng = np.random.default_rng(3)
    for name in ("scratch-pytorch", "scratch-keras"):
        preds = np.where(rng.random(200) < 0.5, labels, (labels + 1) % 10)
        fake_run(tmp_path, name, name.split("-")[1], "scratch", preds, labels, epochs=1)
    write_report(tmp_path, langs=("en",), formats=("md",))
    md = (tmp_path / "report" / "report.en.md").read_text()
    assert "| 10.0 (n/a) |" in md and "most accurate" not in md
    assert "| scratch-pytorch | " in md and "|  |" not in md  # no empty cell


def test_report_cli_and_bad_input(study, tmp_path, capsys):
    root, *_ = study
    assert main(["report", str(root), "--format", "md"]) == 0
    assert "report.en.md" in capsys.readouterr().out
    assert main(["report", str(root), "--format", "pdf"]) == 2
    assert "--format pdf" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    with pytest.raises(ConfigError, match="no finished runs"):
        write_report(tmp_path / "empty")
    assert main(["report", str(tmp_path / "nowhere")]) == 2


def test_a_run_without_results_is_listed_as_incomplete(study):
    root, *_ = study
    (root / "runs" / "scratch-keras").mkdir()
    (root / "runs" / "scratch-keras" / "config.json").write_text("{}")
    record = json.loads((root / "study.json").read_text())
    record["rows"]["scratch-keras"] = {"status": "completed", "run_dir": "runs/scratch-keras"}
    (root / "study.json").write_text(json.dumps(record))
    write_report(root, langs=("en",))
    md = (root / "report" / "report.en.md").read_text()
    assert "| scratch-keras | not run: unfinished, no results.json | — |" in md
    assert "`alexnet-cifar train --resume " in md and "runs/scratch-keras`" in md


def test_committed_records_hold_no_machine_path():
    """Every committed study.json and results.json names paths relative or under ~."""
    results = Path(__file__).resolve().parents[2] / "results"
    machine = re.compile(r"\"(?:/root|/home|/Users|/work|/tmp)/")
    for path in [*results.rglob("study.json"), *results.rglob("results.json")]:
        assert not machine.search(path.read_text()), path


# Measured in the page after load: elements wider than the viewport outside a scroll box, and
# table-cell words whose text lies on more than one line.
PROBE = """<script>window.addEventListener('load', () => {
  const width = document.documentElement.clientWidth;
  const scrolls = el => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll') return true;
    }
    return false;
  };
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.getBoundingClientRect().right > width + 1 && !scrolls(el))
      wide.push(el.tagName + ': ' + (el.textContent || '').slice(0, 60));
  }
  const broken = [];
  for (const cell of document.querySelectorAll('td, th')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.data.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (tops.size > 1) broken.push(m[0]);
      }
    }
  }
  // the first screen: where the summary and the headline table (its first row or card) end,
  // and whether that table scrolls sideways
  const table = document.querySelector('table.cards');
  const first = table.querySelectorAll('tr')[1].getBoundingClientRect();
  const box = table.parentElement;
  const first_screen = {
    summary: document.querySelector('.summary').getBoundingClientRect().bottom,
    table: table.getBoundingClientRect().bottom,
    first_row: first.bottom,
    sideways: box.scrollWidth > box.clientWidth + 1,
  };
  // each figure's smallest text as rendered: its height at natural size, scaled
  const text_px = [...document.querySelectorAll('img[data-text-px]')].map(img =>
    parseFloat(img.dataset.textPx) * img.getBoundingClientRect().width / img.naturalWidth);
  parent.postMessage(JSON.stringify({width, wide, broken, first_screen, text_px}), '*');
});</script></body>"""
# Headless Chromium's window is at least 500 px wide: the page goes into a frame of the width
# under test, and its probe posts what it measured to the frame's parent.
FRAME = """<html><body style='margin:0'>
<iframe src='{src}' style='width:{width}px;height:900px;border:0'></iframe>
<script>window.addEventListener('message', e => {{
  const out = document.createElement('pre');
  out.id = 'probe';
  out.textContent = e.data;
  document.body.appendChild(out);
}});</script></body></html>"""


@pytest.mark.slow  # a browser process
@pytest.mark.parametrize("width", [1280, 390])
def test_html_report_fits_desktop_and_phone_in_a_real_browser(study, tmp_path, width):
    """Opened in headless Chromium at 1280 px and at 390 px (a phone): nothing outside a scroll
    box is wider than the page, and no table cell breaks inside a word or number."""
    import shutil
    import subprocess

    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("no chromium here (Debian: apt-get install chromium) to render the report")
    root, *_ = study
    write_report(root, langs=("es",))
    probed = tmp_path / "probe.html"
    probed.write_text((root / "report" / "report.es.html").read_text().replace("</body>", PROBE))
    frame = tmp_path / "frame.html"
    frame.write_text(FRAME.format(src=probed.name, width=width))
    dom = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--window-size={width + 100},1000",
            "--virtual-time-budget=3000",
            "--dump-dom",
            frame.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom, re.S)
    assert found, dom[:500]
    probe = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    assert width - 20 <= probe["width"] <= width  # the frame's width, less a scrollbar
    assert probe["wide"] == [], probe["wide"]
    assert probe["broken"] == [], probe["broken"]
    # the answer on the first screen: summary and headline table within 800 px on a desktop;
    # on a phone (390 x 844) the summary and the first row's card, with no sideways scrolling
    # every figure's smallest text renders at 7.5 px or more, on a phone as on a desktop
    assert len(probe["text_px"]) == 6 and min(probe["text_px"]) >= 7.5, probe["text_px"]
    screen = probe["first_screen"]
    assert not screen["sideways"], screen
    if width >= 1280:
        assert screen["table"] <= 800, screen
    else:
        assert screen["summary"] < screen["first_row"] <= 844, screen


@pytest.mark.slow  # renders whole reports: the full suite's
def test_time_breakdown_in_the_report(tmp_path):
    """Runs that record their phases get a stacked bar, and the conclusions name the phase
    where the frameworks differ most in a typical epoch: one PyTorch epoch that shared the
    machine (compute 100 s) does not make the compute phase the difference."""
    three_seed_study(tmp_path, (0.66, 0.62, 0.69))
    for path in (tmp_path / "runs").glob("*/seed-*/metrics.jsonl"):
        slow_input = "keras" in str(path)
        shared = "pytorch" in str(path) and "seed-0" in str(path)
        lines = [json.loads(line) for line in path.read_text().splitlines()]
        assert len(lines) >= 2
        for i, r in enumerate(lines):
            r["phases"] = {
                "warmup": 0.0,
                "input": 9.0 if slow_input else 1.0,
                "compute": 100.0 if shared and i == 0 else 5.0,
                "overhead": 1.0,
                "validation": 0.5,
                "records": 0.1,
            }
            r["wall_seconds"] = sum(r["phases"].values())
        path.write_text("".join(json.dumps(r) + "\n" for r in lines))
    write_report(tmp_path, langs=("en", "es"), formats=("md",))
    md = (tmp_path / "report" / "report.en.md").read_text()
    assert (
        "The largest difference in where an epoch's time goes is the input pipeline: 1.0 "
        "seconds for PyTorch from scratch against 9.0 for Keras from scratch (medians over "
        "epochs; a Keras run counts its input pipeline inside compute" in md
    )
    assert "the time breakdown" not in md  # recorded: not suggested as next
    es = (tmp_path / "report" / "report.es.md").read_text()
    assert "está en la carga de datos: 1,0 segundos en PyTorch desde cero frente a 9,0" in es
    assert (tmp_path / "report" / "figures" / "phases.en.png").stat().st_size > 1000


@pytest.mark.slow  # whole reports: the fast tier keeps its 3 minutes
def test_a_study_of_one_row_says_nothing_could_be_compared(tmp_path):
    labels = np.repeat(np.arange(10), 20)
    fake_run(tmp_path, "scratch-pytorch", "pytorch", "scratch", labels, labels)
    write_report(tmp_path, langs=("en", "es"), formats=("md",))
    md = (tmp_path / "report" / "report.en.md").read_text()
    assert "No two rows could be compared on the same test images." in md
    assert "most accurate" not in md


SOURCE_CLASSES, TARGET_CLASSES = CLASSES[:5], CLASSES[5:]


def transfer_study(root: Path) -> Path:
    """A transfer study of 3 seeds whose accuracies are exact: on 500 target test images, a
    fine-tuned start 30 points above scratch with 50 images per class and level with it at 500;
    the BGR-fed start 25 points below the fine-tune at 50; Keras at PyTorch's levels with the
    seeds' shifts in another order (paired differences of -2 to +1 points)."""
    labels = np.repeat(np.arange(5), 100)
    seed_shift = (0.0, 0.01, -0.01)
    rows = {
        "source-pytorch": ("pytorch", "", 4500, (0.80, 0.80, 0.80), {}),
        "source-keras": ("keras", "", 4500, (0.79, 0.80, 0.81), {}),
    }
    for size, levels in ((50, (0.40, 0.60, 0.70, 0.45)), (500, (0.70, 0.68, 0.70, 0.66))):
        scratch, head, finetune, bgr = levels
        for fw, off in (("pytorch", 0.0), ("keras", 0.0)):
            rows[f"scratch-{size}-{fw}"] = (fw, "", size, scratch + off, {})
            rows[f"head-{size}-{fw}"] = (
                fw,
                "source-pytorch",
                size,
                head + off,
                {"finetune": "head"},
            )
            rows[f"finetune-{size}-{fw}"] = (
                fw,
                "source-pytorch",
                size,
                finetune + off,
                {"finetune": "discriminative"},
            )
        rows[f"finetune-{size}-pytorch-bgr"] = (
            "pytorch",
            "source-pytorch",
            size,
            bgr,
            {"finetune": "discriminative", "channels": "bgr"},
        )
    rows["finetune-500-pytorch-from-keras"] = (
        "pytorch",
        "source-keras",
        500,
        0.705,
        {"finetune": "discriminative"},
    )
    study = {"preset": "transfer", "description": "", "rows": {}}
    rng = np.random.default_rng(2)
    for name, (fw, source, per_class, level, config) in rows.items():
        classes = SOURCE_CLASSES if name.startswith("source") else TARGET_CLASSES
        mirrored = fw == "keras" or name.endswith("from-keras")
        shifts = seed_shift[1:] + seed_shift[:1] if mirrored else seed_shift
        levels = level if isinstance(level, tuple) else [level + d for d in shifts]
        runs = {}
        for seed, acc in enumerate(levels):
            preds = labels.copy()
            wrong = rng.permutation(500)[: round((1 - acc) * 500)]
            preds[wrong] = (labels[wrong] + 1) % 5
            start = {"init_from": f"studies/t/runs/{source}/seed-{seed}"} if source else {}
            fake_run(
                root,
                name,
                fw,
                "scratch",
                preds,
                labels,
                seed=seed,
                classes=classes,
                train_images=per_class * 5,
                config={**config, **start},
            )
            runs[str(seed)] = {"status": "completed", "run_dir": f"runs/{name}/seed-{seed}"}
        study["rows"][name] = {"status": "completed", "seeds": runs}
    study["rows"]["scratch-all-pytorch"] = {"seeds": {}}  # listed, not started (an --only run)
    (root / "study.json").write_text(json.dumps(study))
    return root


@pytest.mark.slow  # renders whole reports: the full suite's
def test_a_transfer_study_reports_the_target_task_by_start_and_size(tmp_path):
    from alexnet_cifar.report.collect import collect

    root = transfer_study(tmp_path)
    data = collect(root)
    moved = data["transfer"]
    assert moved.main_source == "source-pytorch" and moved.sizes == [50, 500]
    kinds = {(line.kind, line.framework, line.source) for line in moved.lines}
    assert ("mismatched", "pytorch", "source-pytorch") in kinds
    assert ("finetune", "pytorch", "source-keras") in kinds and len(kinds) == 8
    # only the pairs worth testing, not every pair of 19 rows
    assert len(data["pairs"]["transfer"]) < 40
    write_report(root, langs=("en", "es"), formats=("md", "html"))
    md = (root / "report" / "report.en.md").read_text()
    first = md.split("\n\n")[1]  # the summary, right under the title
    assert first.startswith(
        "Fine-tuned from the source network, PyTorch reaches 70.0% against 40.0% from scratch "
        "with 50 images per class and 70.0% against 70.0% from scratch with 500 images per class."
    )
    assert "From 500 images per class on" in first
    headline = md.split("## Target task: test accuracy")[1].split("\n## ")[0]
    assert "| start | 50 images per class | 500 images per class |" in headline
    assert "| whole network fine-tuned (PyTorch) | 70.0% ± 1.0 | 70.0% ± 1.0 |" in headline
    assert "| from scratch (Keras) | 40.0% ± 1.0 | 70.0% ± 1.0 |" in headline
    assert md.index("## Target task: test accuracy") < md.index("## All rows of the study")
    said = _section(md, "Conclusions")
    assert "With 50 training images per class, against training from scratch: " in said
    assert "whole network fine-tuned (PyTorch), +30.0 points (+30.0 to +30.0)" in said
    assert "From 500 images per class on, the fine-tuned source network is no longer" in said
    assert "(PyTorch), the fine-tune changes by -25.0 points (-25.0 to -25.0) against" in said
    assert "the two frameworks are not told apart at any size" in said
    assert "Fine-tuned in PyTorch from the Keras source instead of the PyTorch one" in said
    assert "images per class: 70.4% against 70.0%, a difference of +0.4 points" in said
    assert "84.00% against 79.72% from scratch" in said and "5 CIFAR-10 classes (22,500" in said
    # per-class accuracy: one table for the source's classes, one for the target's
    assert md.count("\n## Per-class test accuracy (") == 2
    assert (root / "report" / "figures" / "transfer.en.png").is_file()
    # a row not started yet says so, and how to run it
    assert "| scratch-all-pytorch | not run: not run yet; --resume runs it |" in md
    assert "- scratch-all-pytorch: not run yet; the command under How to reproduce" in md
    page = (root / "report" / "report.es.html").read_text()
    assert "Tarea de destino" in page and not english_left(page)


def test_what_differs_from_the_earlier_study_comes_from_the_config():
    from alexnet_cifar.report.conclusions import differences
    from alexnet_cifar.report.earlier import RECIPE

    row = {
        "input_size": 32,
        "epochs": 30,
        "batchnorm": True,
        "config": {
            "optimizer": "sgd",
            "schedule": "onecycle",
            "label_smoothing": 0.1,
            "augment": "crop",
            "ema": 0.999,
            "tta": "flip",
        },
        "runs": [{"single_view_accuracy": 0.9034}, {"single_view_accuracy": 0.9020}],
    }
    en = differences(row, RECIPE["scratch-pytorch"], Words("en"))
    assert en == [
        "32 px images instead of 224 px",
        "30 epochs instead of 20",
        "BatchNorm, which that study did not use",
        "a one-cycle learning-rate schedule",
        "label smoothing of 0.1",
        "augmentation by random crop after 4 px padding, and horizontal flip",
        "weight averaging (EMA)",
        "test-time augmentation by horizontal flip (without it, 90.27%)",
    ]
    keras = differences(row, RECIPE["scratch-keras"], Words("es"))
    assert "SGD en lugar de Adam" in keras and not any("BatchNorm" in d for d in keras)
    # the earlier Keras study augmented without saying how: ours is not named a difference
    assert not any(d.startswith("aumento de datos") for d in keras)
    row["config"]["augment"] = "standard"
    assert differences(row, RECIPE["scratch-pytorch"], Words("en"))[5] == (
        "augmentation by horizontal flip, shifts of up to an eighth of the side, rotation of up "
        "to 10° and zoom of up to 10%"
    )


def test_the_difference_matrix_has_one_colour_meaning():
    """Red (positive) is A's favour on and off the diagonal: A gets more of class 0 right and
    confuses class 1 with class 0 less often than B."""
    from alexnet_cifar.report.figures import in_favour, seed_spread

    def row(cm, per_class):
        runs = [{"confusion_matrix": cm, "per_class_accuracy": pc} for pc in per_class]
        return {"runs": runs, "class_names": ["a", "b"]}

    a = row([[9, 1], [1, 9]], [{"a": 0.9, "b": 0.9}, {"a": 0.8, "b": 0.9}])
    b = row([[7, 3], [4, 6]], [{"a": 0.7, "b": 0.6}])
    favour = in_favour(a, b)
    assert favour[0, 0] == pytest.approx(20) and favour[1, 1] == pytest.approx(30)
    assert favour[1, 0] == pytest.approx(30) and favour[0, 1] == pytest.approx(20)
    assert seed_spread(a) == pytest.approx(7.07, abs=0.01) and seed_spread(b) is None


@pytest.mark.slow  # renders whole reports: the full suite's
def test_glossary_terms_are_defined_once_and_linked_from_their_first_use(tmp_path):
    root = three_seed_study(tmp_path, (0.66, 0.62, 0.69))
    write_report(root, langs=("en", "es"))
    page = (root / "report" / "report.es.html").read_text()
    links = re.findall(r"<a href='#g-(\w+)'>([^<]+)</a>", page)
    assert ("interval", "intervalo del 95 %") in links and ("mcnemar", "McNemar") in links
    assert len(links) == len({key for key, _ in links})  # the first use only
    for key, _ in links:
        assert page.count(f"<dt id='g-{key}'>") == 1
    md = (root / "report" / "report.en.md").read_text()
    glossary = md.split("## Glossary")[1].split("\n## ")[0]
    assert "- **McNemar's test**: compares two models on the same test images" in glossary
    assert "bf16" not in glossary  # a term the page never uses is left out


@pytest.mark.slow  # renders whole reports: the full suite's
def test_a_gallery_of_test_images_per_framework_where_the_data_is_at_hand(tmp_path):
    from alexnet_cifar.data import Cifar10
    from alexnet_cifar.report.gallery import picks

    root = three_seed_study(tmp_path, (0.66, 0.62, 0.69))
    labels = np.repeat(np.arange(10), 30)
    rng = np.random.default_rng(3)
    images = rng.integers(0, 256, (300, 32, 32, 3), dtype=np.uint8)
    cifar = Cifar10(images[:10], labels[:10], images, labels, class_names=list(CLASSES))
    write_report(root, langs=("es",), cifar=lambda: cifar)
    page = (root / "report" / "report.es.html").read_text()
    for row in ("scratch-pytorch", "scratch-keras"):
        assert (root / "report" / "figures" / f"gallery.{row}.es.png").stat().st_size > 5000
        assert f"<h3>Imágenes de test: {row}</h3>" in page
    # the data a run was not tested on draws nothing, and says so; no data: how to get it
    other = Cifar10(images[:10], labels[:10], images, labels[::-1].copy(), list(CLASSES))
    write_report(root, langs=("en",), formats=("md",), cifar=other)
    md = (root / "report" / "report.en.md").read_text()
    assert "not the data these runs were tested on" in md and "Test images:" not in md
    write_report(root, langs=("en",), formats=("md",))
    assert (
        "`alexnet-cifar report DIR --data-dir PATH` draws it"
        in (root / "report" / "report.en.md").read_text()
    )
    # the pair shown is the one confused most (both ways), the mistakes of that pair only
    run = {
        "confusion_matrix": [[5, 1, 0], [3, 4, 0], [0, 2, 6]],
        "test_labels": [0] * 6 + [1] * 7 + [2] * 8,
        "test_predictions": [0] * 5 + [1] + [0] * 3 + [1] * 4 + [1] * 2 + [2] * 6,
    }
    (i, j), confused, sample = picks(run)
    assert (i, j) == (1, 0) and confused == [6, 7, 8, 5]
    assert len(sample) == 8 and len(set(sample)) == 8


def test_the_spanish_catalog_translates_every_string_with_the_same_fields():
    """locale/es/LC_MESSAGES/report.po, read and compiled by Babel: a translation for every
    English string (none fuzzy, none left empty), with the same {fields}, every plural form
    filled, and no string the code no longer has."""
    from importlib import resources

    from babel.messages.pofile import read_po

    po = resources.files("alexnet_cifar.report").joinpath("locale/es/LC_MESSAGES/report.po")
    with po.open("rb") as f:
        catalog = read_po(f, locale="es")
    found = {m.context: m for m in catalog if m.id}
    assert set(found) == set(TEXT["en"])
    fields = re.compile(r"\{(\w+)\}")
    for key, english in TEXT["en"].items():
        message = found[key]
        assert not message.fuzzy, key
        assert message.id == english, key  # the msgid is the English text in the code
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(forms), key
        sources = english if isinstance(english, tuple) else (english,)
        for form in forms:
            assert set(fields.findall(form)) == set(fields.findall(sources[-1])), key


@pytest.mark.slow  # renders whole reports: the full suite's
def test_a_run_from_uncommitted_changes_says_so_in_words(tmp_path):
    root = three_seed_study(tmp_path, (0.66, 0.62, 0.69))
    for path in (root / "runs").glob("*/seed-*/results.json"):
        results = json.loads(path.read_text())
        path.write_text(json.dumps({**results, "commit": "0123456789ab+changes"}))
    write_report(root, langs=("en", "es"), formats=("md",))
    en = (root / "report" / "report.en.md").read_text()
    es = (root / "report" / "report.es.md").read_text()
    assert "Commit: 0123456789ab with uncommitted changes." in en and "+changes" not in en
    assert "0123456789ab con cambios sin confirmar" in es and "+changes" not in es


@pytest.mark.slow  # a whole report in two languages
def test_the_earlier_experiment_point_by_point_and_what_224_px_buys(tmp_path):
    """Per class against the earlier PyTorch study's own table, the time per epoch beside
    theirs with both machines, and the same framework at 32 and 224 px."""
    labels = np.repeat(np.arange(10), 20)
    rng = np.random.default_rng(5)
    for seed in (0, 1):
        big = np.where(rng.random(200) < 0.8, labels, (labels + 1) % 10)
        small = np.where(rng.random(200) < 0.7, labels, (labels + 1) % 10)
        slow, fast = (300.0, 310.0, 305.0), (40.0, 41.0, 40.5)
        fake_run(
            tmp_path,
            "scratch-pytorch",
            "pytorch",
            "scratch",
            big,
            labels,
            seed=seed,
            to_85=900.0,
            seconds=slow,
        )
        fake_run(
            tmp_path,
            "scratch-pytorch-32",
            "pytorch",
            "scratch",
            small,
            labels,
            seed=seed,
            to_85=120.0,
            seconds=fast,
        )
        for name, size, model, macs in (
            ("scratch-pytorch", 224, "alexnet", 714_188_480),
            ("scratch-pytorch-32", 32, "alexnet-cifar", 107_000_000),
        ):
            path = tmp_path / "runs" / name / f"seed-{seed}" / "results.json"
            r = json.loads(path.read_text())
            r.update(input_size=size, model=model, macs_per_image=macs)
            path.write_text(json.dumps(r))
    rows = {
        n: {
            "status": "completed",
            "seeds": {
                str(s): {"status": "completed", "run_dir": f"runs/{n}/seed-{s}"} for s in (0, 1)
            },
        }
        for n in ("scratch-pytorch", "scratch-pytorch-32")
    }
    (tmp_path / "study.json").write_text(json.dumps({"preset": "paper", "rows": rows}))
    write_report(tmp_path, langs=("en", "es"), formats=("md",))
    md = (tmp_path / "report" / "report.en.md").read_text()
    per_class = md.split("## Each class beside the earlier PyTorch study's own table")[1]
    per_class = per_class.split("\n## ")[0]
    assert "| class | earlier study (79.72%) | scratch-pytorch | B - A (points) |" in per_class
    runs = [tmp_path / "runs" / "scratch-pytorch" / f"seed-{s}" / "results.json" for s in (0, 1)]
    per_seed = [json.loads(p.read_text())["per_class_accuracy"] for p in runs]
    ours = {c: np.mean([r[c] for r in per_seed]) for c in CLASSES}
    cat = 100 * ours["cat"]
    assert f"| cat | 60.10% | {cat:.2f}% | {cat - 60.1:+.2f} |" in per_class
    assert "| mean of the classes | 79.72% |" in per_class
    epochs = md.split("## Time per epoch beside the earlier studies'")[1].split("\n## ")[0]
    assert (
        "| scratch-pytorch | 5 min 05 s | 224 px, Test GPU | 70.93% | 5 min 33 s | a Colab GPU |"
        in epochs
    )
    sizes = md.split("## Each framework from scratch at each input size")[1].split("\n## ")[0]
    assert "| scratch-pytorch-32 | PyTorch | 32 px | alexnet-cifar | 107 M |" in sizes
    assert "| scratch-pytorch | PyTorch | 224 px | alexnet | 714 M |" in sizes
    assert sizes.rstrip().endswith("| 5 min 05 s | 15.0 min |")
    acc = {
        n: np.mean(
            [
                json.loads(p.read_text())["test_accuracy"]
                for p in (tmp_path / "runs" / n).glob("seed-*/results.json")
            ]
        )
        for n in ("scratch-pytorch", "scratch-pytorch-32")
    }
    d = 100 * (acc["scratch-pytorch"] - acc["scratch-pytorch-32"])
    assert (
        f"PyTorch from scratch reached {100 * acc['scratch-pytorch']:.2f}% at 224 px against "
        f"{100 * acc['scratch-pytorch-32']:.2f}% at 32 px ({d:+.2f} points), with 6.7 times the "
        "multiply-adds per image; an epoch took 7.5 times as long as at 32 px." in md
    )
    es = (tmp_path / "report" / "report.es.md").read_text()
    assert "una GPU de Colab" in es and "6,7 veces las multiplicaciones" in es
    assert "una época duró 7,5 veces lo que a 32 px" in es


def test_where_it_stops_names_the_sizes_where_only_one_framework_is_shown_ahead():
    """Ahead at every size in some framework, but at 4,500 only Keras's interval leaves out zero:
    the sentence says so instead of claiming both (en and es)."""
    from types import SimpleNamespace

    from alexnet_cifar.report.i18n import Words
    from alexnet_cifar.report.transfer import where_it_stops

    def pair(lo, hi):
        return {"paired": {"ci": (lo, hi)}, "acc_a": 0.9, "acc_b": 0.9 + (lo + hi) / 200}

    t = SimpleNamespace(
        sizes=[50, 4500],
        frameworks=lambda: ["pytorch", "keras"],
        row=lambda kind, fw, size: {"row": f"{kind}-{size}-{fw}"},
    )
    cis = {(50, "pytorch"): (9.8, 20.6), (50, "keras"): (10.8, 21.7)}
    cis |= {(4500, "pytorch"): (-0.1, 1.5), (4500, "keras"): (0.4, 1.2)}
    pairs = {(f"scratch-{s}-{f}", f"finetune-{s}-{f}"): pair(*ci) for (s, f), ci in cis.items()}
    en = where_it_stops(t, Words("en"), pairs)
    assert "only Keras with 4,500 images per class" in en and "50 images" not in en
    assert "solo en Keras con 4500" in where_it_stops(t, Words("es"), pairs)
    pairs[("scratch-4500-pytorch", "finetune-4500-pytorch")] = pair(0.2, 1.5)
    assert "only" not in where_it_stops(t, Words("en"), pairs)


@pytest.mark.parametrize(
    "seconds, en, es",
    [
        ([5283.0], "the run took 88 minutes", "la ejecución tardó 88 minutos"),
        ([5270.0, 5290.0], "every run took 88 minutes", "cada ejecución tardó 88 minutos"),
        ([3000.0, 5283.0], "a run took 50 to 88 minutes", "entre 50 y 88 minutos"),
    ],
)
def test_run_times_give_a_range_only_where_the_runs_differ(seconds, en, es):
    from alexnet_cifar.report.reproduce import _run_times

    runs = [{"train_seconds": s} for s in seconds]
    for lang, said in (("en", en), ("es", es)):
        [(_, text)] = _run_times(runs, Words(lang))
        assert said in text and " 88 to 88 " not in text and "entre 88 y 88" not in text
