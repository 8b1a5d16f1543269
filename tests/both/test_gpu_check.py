"""benchmarks/gpu_check.sh's GPU-free parts: it refuses at once on a machine without a GPU,
cuts the paper preset to one epoch, and summarizes what a GPU run left (failures included)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from alexnet_cifar.study.matrix import load_preset, row_configs

ROOT = Path(__file__).parents[2]
CHECK = [sys.executable, str(ROOT / "benchmarks" / "gpu_check.py")]


@pytest.mark.slow  # a process of its own
@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without a GPU")
def test_it_refuses_in_one_line_without_a_gpu_and_writes_nothing(tmp_path):
    out = tmp_path / "gpu-check"
    done = subprocess.run(
        ["bash", str(ROOT / "benchmarks" / "gpu_check.sh"), str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert lines[-1].startswith("gpu_check.sh: pytorch: --device cuda: this machine has no ")
    assert not [ln for ln in lines if "gpu_check.sh" in ln][:-1]
    assert not out.exists()


@pytest.mark.slow  # a process of its own
def test_an_unknown_option_is_refused_in_one_line_before_anything_runs(tmp_path):
    done = subprocess.run(
        ["bash", str(ROOT / "benchmarks" / "gpu_check.sh"), "--no-study", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "gpu_check.sh: unknown option --no-study; usage: benchmarks/gpu_check.sh [OUT] "
        "[--no-studies]"
    )
    assert not (tmp_path / "o").exists()


@pytest.mark.slow  # a process of its own
def test_the_paper_preset_is_cut_to_one_epoch(tmp_path):
    path = tmp_path / "paper-1-epoch.yaml"
    subprocess.run([*CHECK, "preset", "paper", str(path)], check=True, cwd=ROOT)
    paper, cut = load_preset("paper"), load_preset(str(path))
    assert list(cut["rows"]) == list(paper["rows"])
    configs = row_configs(cut, tmp_path / "study")
    assert {c.epochs for seeds in configs.values() for c in seeds.values()} == {1}
    original = row_configs(paper, tmp_path / "study")
    for name, seeds in configs.items():
        for seed, config in seeds.items():
            assert config.lr == original[name][seed].lr
            assert config.optimizer == original[name][seed].optimizer


@pytest.mark.slow  # a process of its own
def test_the_summary_reports_failed_gpu_tests(tmp_path):
    (tmp_path / "cuda-tests.xml").write_text(
        '<testsuites><testsuite name="pytest" tests="3" failures="1" errors="0" skipped="0">'
        '<testcase classname="tests.cuda.test_gpu_training" name="test_a"/>'
        '<testcase classname="tests.cuda.test_gpu_training" name="test_b">'
        '<failure message="boom"/></testcase>'
        '<testcase classname="tests.cuda.test_gpu_training" name="test_c"/>'
        "</testsuite></testsuites>"
    )
    done = subprocess.run(
        [*CHECK, "summarize", str(tmp_path)], capture_output=True, text=True, cwd=tmp_path
    )
    assert done.returncode == 1
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["cuda_tests"]["failures"] == 1
    assert summary["cuda_tests"]["failed"] == ["tests.cuda.test_gpu_training::test_b"]
    assert "torch" in summary["software"] and "tensorflow" in summary["software"]
    assert "1 failed" in (tmp_path / "summary.md").read_text()


def _gpu_check(monkeypatch, frameworks):
    """benchmarks/gpu_check.py imported here, on a machine where only ``frameworks`` are
    installed."""
    import importlib.util

    import alexnet_cifar.backends as backends

    monkeypatch.setattr(backends, "installed", lambda f: f in frameworks)
    spec = importlib.util.spec_from_file_location("gpu_check", ROOT / "benchmarks/gpu_check.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_framework_not_installed_is_skipped_with_a_line_and_none_is_refused(monkeypatch, capsys):
    assert _gpu_check(monkeypatch, ()).preflight() == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines[0].startswith("gpu_check.sh: pytorch: not installed here, its half is skipped")
    assert lines[1].startswith("gpu_check.sh: keras: not installed here")
    assert lines[2].startswith("gpu_check.sh: neither framework is installed;")


def test_the_summary_of_a_machine_with_pytorch_alone_names_its_software(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert _gpu_check(monkeypatch, ("pytorch",)).summarize(tmp_path) == 1  # no cuda tests ran
    software = json.loads((tmp_path / "summary.json").read_text())["software"]
    assert "torch" in software and "tensorflow" not in software
    assert "paper row" not in (tmp_path / "summary.md").read_text()  # no study ran
