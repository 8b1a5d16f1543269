"""`report` on run directories made by hand: tables, languages, significance, bad input."""

import json

import numpy as np
import pytest

from alexnet_cifar.cli import main
from alexnet_cifar.errors import ConfigError
from alexnet_cifar.report import write_report

from cifar_fixtures import CLASSES


def fake_run(root, name, framework, init, predictions, labels, epochs=3):
    run = root / "runs" / name
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
    assert f"| scratch-pytorch | pytorch | alexnet | scratch | {100 * acc_s:.2f}% |" in md
    assert f"{100 * acc_p:.2f}%" in md and "Test GPU" in md
    assert "| 200 | 3 | 12.5 | 3600.0 | 57,044,810 | Test GPU |" in md  # medians, not means
    only_a = int(((scratch == labels) & (pretrained != labels)).sum())
    only_b = int(((scratch != labels) & (pretrained == labels)).sum())
    assert (
        f"| scratch-pytorch / imagenet-pytorch | {100 * acc_s:.2f}% | {100 * acc_p:.2f}% | "
        f"{only_a} | {only_b} |" in md
    )
    assert "The most accurate row is imagenet-pytorch" in md
    assert "a significant difference at the 5% level" in md
    assert "| caffe-keras |  |  |  | skipped | no bvlc_alexnet.npy here |" in md
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
    assert page.count("data:image/png;base64,") == 4 and "src='figures" not in page
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
