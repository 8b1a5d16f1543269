"""notebooks/alexnet_cifar.ipynb cannot rot: it is committed without outputs, and papermill
runs it headless as a CPU smoke run (tiny subset, 32 px scratch rows, install cell skipped,
a torchvision weights file of the real format with random values)."""

import json
from pathlib import Path

import pytest

from cifar_fixtures import real_cifar_dir
from weight_fixtures import write_torchvision_pth

NOTEBOOK = Path(__file__).parents[2] / "notebooks" / "alexnet_cifar.ipynb"


def test_the_notebook_is_committed_without_outputs():
    nb = json.loads(NOTEBOOK.read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code, "no code cells"
    assert all(not c["outputs"] and c["execution_count"] is None for c in code)
    tagged = [c for c in code if "parameters" in c["metadata"].get("tags", [])]
    assert len(tagged) == 1, "papermill needs exactly one cell tagged 'parameters'"


def test_the_notebook_runs_headless_as_a_cpu_smoke_run(tmp_path, real_cache_dir, monkeypatch):
    papermill = pytest.importorskip("papermill", reason="the dev extra brings papermill")
    data = real_cifar_dir()
    if data is None:
        pytest.skip("real CIFAR-10 copy not found; set ALEXNET_CIFAR_DATA")
    # the kernel inherits this: the suite's decoded copy, not 60,000 PNGs decoded again
    monkeypatch.setenv("ALEXNET_CIFAR_CACHE", str(real_cache_dir))
    weights = tmp_path / "weights"
    weights.mkdir()
    write_torchvision_pth(weights / "alexnet-owt-7be5be79.pth")
    out = tmp_path / "out"
    executed = tmp_path / "executed.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOK),
        str(executed),
        parameters=dict(
            INSTALL=False,
            DATA_DIR=str(data),
            WEIGHTS_DIR=str(weights),
            OUT=str(out),
            MODEL="alexnet-cifar",
            EPOCHS=1,
            BATCH_SIZE=32,
            LIMIT_TRAIN=128,
            LIMIT_TEST=64,
            PRESET="smoke",
            ONLY=["scratch-pytorch", "imagenet-pytorch"],
            DEVICE="cpu",
        ),
        cwd=str(tmp_path),
        kernel_name="python3",
        progress_bar=False,
    )
    cells = json.loads(executed.read_text())["cells"]
    text = json.dumps([c.get("outputs", []) for c in cells])
    for row in ("scratch-pytorch", "scratch-keras", "imagenet-pytorch"):
        assert (out / "runs" / row / "results.json").exists(), row
    # per-class accuracy in both languages, the study's tables and its figures inline
    assert "avi\\u00f3n" in text or "avión" in text
    assert "airplane" in text and "image/png" in text
    study = json.loads((out / "study-smoke" / "study.json").read_text())
    assert study["rows"]["scratch-pytorch"]["status"] == "completed"
    assert (out / "study-smoke" / "report" / "report.es.html").exists()
