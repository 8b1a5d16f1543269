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
