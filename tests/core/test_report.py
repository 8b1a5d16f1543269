"""`report` on run directories made by hand: tables, languages, significance, bad input."""

import json

import numpy as np
import pytest

from alexnet_cifar.cli import main
from alexnet_cifar.errors import ConfigError
from alexnet_cifar.report import write_report

from cifar_fixtures import CLASSES


def fake_run(root, name, framework, init, predictions, labels, epochs=3, seed=None, to_85=None):
    run = root / "runs" / name / (f"seed-{seed}" if seed is not None else "")
    run.mkdir(parents=True)
    preds, labels = np.array(predictions), np.array(labels)
    per_class = {c: float((preds[labels == i] == i).mean()) for i, c in enumerate(CLASSES)}
    cm = np.zeros((10, 10), int)
    np.add.at(cm, (labels, preds), 1)
    results = {
        "framework": framework,
        "model": "alexnet",
        "init": init,
        "batchnorm": False,
        "test_accuracy": float((preds == labels).mean()),
        "per_class_accuracy": per_class,
        "confusion_matrix": cm.tolist(),
        "class_names": list(CLASSES),
        "num_test_images": len(labels),
        "epochs": epochs,
        "seconds_per_epoch": 12.5,
        "train_images_per_second": 3600.0,
        "parameters": 57044810,
        "hardware": {"gpu": "Test GPU", "cpu": "x", "cpu_count": 2},
        "test_indices": list(range(len(labels))),
        "test_predictions": preds.tolist(),
        "test_labels": labels.tolist(),
        "config": {"seed": seed or 0},
        "time_to_accuracy": {"0.8": to_85, "0.85": to_85, "0.9": None},
    }
    (run / "results.json").write_text(json.dumps(results))
    (run / "metrics.jsonl").write_text(
        "".join(
            json.dumps(
                {
                    "epoch": e,
                    "train_loss": 2.0 - e,
                    "train_accuracy": 0.3 + 0.1 * e,
                    "val_accuracy": 0.3 + 0.1 * e,
                    "seconds": (10.0, 12.5, 40.0)[e],
                    "images_per_second": (4000.0, 3600.0, 1000.0)[e],
                }
            )
            + "\n"
            for e in range(epochs)
        )
    )


@pytest.fixture
def study(tmp_path):
    labels = np.repeat(np.arange(10), 20)
    rng = np.random.default_rng(0)
    scratch = np.where(rng.random(200) < 0.6, labels, (labels + 1) % 10)
    pretrained = np.where(rng.random(200) < 0.9, labels, (labels + 3) % 10)
    fake_run(tmp_path, "scratch-pytorch", "pytorch", "scratch", scratch, labels)
    fake_run(tmp_path, "imagenet-pytorch", "pytorch", "imagenet", pretrained, labels)
    (tmp_path / "study.json").write_text(
        json.dumps(
            {
                "preset": "fixture",
                "description": "d",
                "rows": {
                    "scratch-pytorch": {"status": "completed"},
                    "imagenet-pytorch": {"status": "completed"},
                    "caffe-keras": {"status": "skipped", "reason": "no bvlc_alexnet.npy here"},
                },
            }
        )
    )
    return tmp_path, scratch, pretrained, labels


def test_tables_significance_and_findings(study):
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
    assert f"| scratch-pytorch | pytorch | alexnet | scratch | fp32 | {100 * acc_s:.2f}% |" in md
    assert f"{100 * acc_p:.2f}%" in md and "Hardware: Test GPU." in md
    # one seed, medians of the epochs (not means), the earlier studies beside the row
    assert "| 1 | 3 | 12.5 | 3600.0 | not reached | 57,044,810 | 79.72% / 70.93% |" in md
    assert "scratch-pytorch 79.72% (224 px, 20 epochs, SGD)" in md
    d = 100 * (acc_p - acc_s)
    assert (
        f"| scratch-pytorch / imagenet-pytorch | {100 * acc_s:.2f}% | {100 * acc_p:.2f}% "
        f"| {d:+.2f} |" in md
    )
    assert "The most accurate row is imagenet-pytorch" in md
    assert "a significant difference at the 5% level" in md
    assert "| caffe-keras |  |  |  |  | skipped | weights not available (note below) |" in md
    assert "- caffe-keras: no bvlc_alexnet.npy here" in md
    assert "1 row(s) did not run and have no number: caffe-keras." in md
    for fig in ("curves.en.png", "per_class.en.png", "confusion.scratch-pytorch.en.png"):
        assert (root / "report" / "figures" / fig).stat().st_size > 1000


def test_spanish_report_and_self_contained_html(study):
    root, *_ = study
    write_report(root, langs=("es",))
    md = (root / "report" / "report.es.md").read_text()
    assert "## Exactitud por clase" in md and "| avión |" in md and "| camión |" in md
    assert "La fila más exacta es imagenet-pytorch" in md
    page = (root / "report" / "report.es.html").read_text()
    # curves, accuracy over time, per-class bars, one confusion matrix per row: all inline
    assert page.count("data:image/png;base64,") == 5 and "src='figures" not in page
    assert "<td>ciervo</td>" in page


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


def test_several_seeds_give_mean_spread_and_a_paired_interval(tmp_path):
    """Two rows over three seeds: the table shows mean ± sd and min-max, a per-seed table,
    and the findings call rows "not told apart" when the paired interval includes 0."""
    labels = np.repeat(np.arange(10), 30)
    rng = np.random.default_rng(1)
    accs = {"scratch-pytorch": (0.60, 0.70, 0.65), "scratch-keras": (0.66, 0.62, 0.69)}
    to_85 = {"scratch-pytorch": (600.0, 900.0, None), "scratch-keras": (300.0, 360.0, 420.0)}
    seeds = {}
    for name, levels in accs.items():
        seeds[name] = {}
        for seed, level in enumerate(levels):
            preds = np.where(rng.random(300) < level, labels, (labels + 1) % 10)
            framework, reached = name.split("-")[1], to_85[name][seed]
            fake_run(tmp_path, name, framework, "scratch", preds, labels, seed=seed, to_85=reached)
            seeds[name][str(seed)] = {"status": "completed", "run_dir": f"{name}/seed-{seed}"}
    study = {"preset": "p", "description": "", "rows": {}}
    for name in accs:
        runs = {s: {**r, "run_dir": f"runs/{r['run_dir']}"} for s, r in seeds[name].items()}
        study["rows"][name] = {"status": "completed", "seeds": runs}
    study["rows"]["vgg16-keras"] = {
        "status": "skipped",
        "reason": "put vgg16.h5 into /home/someone/.keras/models/ or see https://x.org/a/b",
        "seeds": {"0": {"status": "skipped"}},
    }
    (tmp_path / "study.json").write_text(json.dumps(study))
    write_report(tmp_path, langs=("en",))
    md = (tmp_path / "report" / "report.en.md").read_text()
    got = {}
    for name in accs:
        per_seed = [
            json.loads((tmp_path / "runs" / name / f"seed-{s}" / "results.json").read_text())[
                "test_accuracy"
            ]
            for s in range(3)
        ]
        got[name] = per_seed
        mean, sd = 100 * np.mean(per_seed), 100 * np.std(per_seed, ddof=1)
        assert (
            f"| {mean:.2f}% ± {sd:.2f} | {100 * min(per_seed):.2f}%-{100 * max(per_seed):.2f}%"
            in md
        )
        assert f"| {name} | " + " | ".join(f"{100 * a:.2f}%" for a in per_seed) + " |" in md
    # minutes to 85% validation accuracy: the median of the seeds that got there, and how many
    assert "| 12.5 min (2/3) |" in md and "| 6.0 min |" in md
    assert (tmp_path / "report" / "figures" / "over_time.en.png").stat().st_size > 0
    diff = np.array(got["scratch-keras"]) - np.array(got["scratch-pytorch"])
    assert f"B - A = {100 * diff.mean():+.2f} points" in md
    assert "not told apart (the interval includes 0)" in md
    # the machine's folders stay out of a committed report; URLs are kept
    assert "/home/someone" not in md
    assert "put vgg16.h5 into .../models/ or see https://x.org/a/b" in md


def test_html_report_fits_1280_px_in_a_real_browser(study, tmp_path):
    """Opened in headless Chromium at 1280 px, the page never scrolls sideways."""
    import shutil
    import subprocess

    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("no chromium here (Debian: apt-get install chromium) to render the report")
    root, *_ = study
    write_report(root, langs=("en",))
    page = (root / "report" / "report.en.html").read_text()
    probe = (
        "<script>window.addEventListener('load',()=>{document.title='width:'+"
        "document.documentElement.scrollWidth+'/'+window.innerWidth;});</script></body>"
    )
    probed = tmp_path / "probe.html"
    probed.write_text(page.replace("</body>", probe))
    dom = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--window-size=1280,900",
            "--virtual-time-budget=3000",
            "--dump-dom",
            probed.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    import re

    match = re.search(r"<title>width:(\d+)/(\d+)</title>", dom)
    assert match, dom[:500]
    scroll, inner = map(int, match.groups())
    assert inner == 1280 and scroll <= inner, f"the page is {scroll} px wide at {inner} px"


def test_a_run_without_results_is_listed_as_incomplete(study):
    root, *_ = study
    (root / "runs" / "scratch-keras").mkdir()
    (root / "runs" / "scratch-keras" / "config.json").write_text("{}")
    record = json.loads((root / "study.json").read_text())
    record["rows"]["scratch-keras"] = {"status": "completed", "run_dir": "runs/scratch-keras"}
    (root / "study.json").write_text(json.dumps(record))
    write_report(root, langs=("en",))
    md = (root / "report" / "report.en.md").read_text()
    assert "| scratch-keras |  |  |  |  | incomplete | no results.json (note below) |" in md
    assert "- scratch-keras: scratch-keras: no results.json (the run did not finish)" in md
