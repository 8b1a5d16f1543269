"""The Python half of benchmarks/gpu_check.sh.

preflight            print the installed frameworks (each can use a GPU here); exit 2 with one
                     line where one installed cannot, or none is installed
preset PAPER OUT     write the paper preset with every row cut to one epoch
summarize DIR        DIR/summary.json and DIR/summary.md: the GPU, driver and versions,
                     the cuda tests, the GPU benchmark and the one-epoch paper rows
"""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import yaml

from alexnet_cifar.errors import ConfigError
from alexnet_cifar.study.matrix import load_preset
from alexnet_cifar.system import atomic

FRAMEWORKS = ("pytorch", "keras")  # torch first: it must be imported before tensorflow


def _installed() -> list[str]:
    from alexnet_cifar.backends import installed

    return [f for f in FRAMEWORKS if installed(f)]


def preflight() -> int:
    from alexnet_cifar.backends import get_backend

    usable = _installed()
    for framework in FRAMEWORKS:
        if framework not in usable:
            print(
                f"gpu_check.sh: {framework}: not installed here, its half is skipped "
                f"(pip install 'alexnet-cifar[{framework},cuda]' to check it)",
                file=sys.stderr,
            )
            continue
        try:
            get_backend(framework).resolve_device("cuda")
        except ConfigError as exc:
            print(f"gpu_check.sh: {framework}: {exc}; run it on a GPU machine", file=sys.stderr)
            return 2
    if not usable:
        print(
            "gpu_check.sh: neither framework is installed; pip install 'alexnet-cifar[all,cuda]'",
            file=sys.stderr,
        )
        return 2
    print(" ".join(usable))
    return 0


def one_epoch_preset(name: str, out: Path) -> int:
    preset = load_preset(name)
    preset.pop("name", None)
    preset["description"] = f"{name}, every row cut to 1 epoch (benchmarks/gpu_check.sh)"
    preset.setdefault("defaults", {})["epochs"] = 1
    for row in preset["rows"].values():
        row.pop("epochs", None)
    atomic.write_text(out, yaml.safe_dump(preset, sort_keys=False))
    return 0


def _nvidia_smi() -> dict:
    query = "name,driver_version,memory.total,compute_cap"
    try:
        line = subprocess.run(
            ["nvidia-smi", f"--query-gpu={query}", "--format=csv,noheader"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()[0]
    except (OSError, subprocess.CalledProcessError, IndexError):
        return {}
    return dict(zip(query.split(","), (v.strip() for v in line.split(","))))


def _tests(xml: Path) -> dict:
    if not xml.exists():
        return {"error": f"{xml} missing: the cuda tests did not run"}
    suite = ET.parse(xml).getroot()
    suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
    counts = {k: int(suite.get(k, 0)) for k in ("tests", "failures", "errors", "skipped")}
    counts["failed"] = [
        f"{case.get('classname')}::{case.get('name')}"
        for case in suite.iter("testcase")
        if case.find("failure") is not None or case.find("error") is not None
    ]
    return counts


def _rows(study: Path) -> dict:
    rows = {}
    for results in sorted(study.glob("runs/*/seed-*/results.json")):
        r = json.loads(results.read_text())
        rows[results.parents[1].name] = {
            "test_accuracy": r["test_accuracy"],
            "seconds_per_epoch": r["seconds_per_epoch"],
            "train_images_per_second": r["train_images_per_second"],
            "precision": r["config"]["precision"],
            "batch_size": r["config"]["batch_size"],
        }
    record = study / "study.json"
    for name, row in (json.loads(record.read_text())["rows"] if record.exists() else {}).items():
        if row.get("status") != "completed":
            rows[name] = {"status": row.get("status"), "reason": row.get("reason")}
    return rows


def summarize(out: Path) -> int:
    import importlib

    from alexnet_cifar.backends import get_backend

    software = {}
    for framework in _installed():  # torch first: get_backend("keras") imports it first too
        get_backend(framework)
        device = importlib.import_module(f"alexnet_cifar.backends.{framework}.device")
        software |= device.software()
    bench = [json.loads(p.read_text()) for p in sorted(Path("results").glob("bench-gpu-*.json"))]
    summary = {
        "gpu": _nvidia_smi(),
        "software": software,
        "cuda_tests": _tests(out / "cuda-tests.xml"),
        "bench": [
            {
                k: b.get(k)
                for k in ("framework", "model", "batch_size", "precision", "compute_train")
            }
            | {"fp32_compute_train": b.get("fp32", {}).get("compute_train")}
            for b in bench
        ],
        "paper_one_epoch": _rows(out / "paper-1-epoch"),
    }
    atomic.write_json(out / "summary.json", summary)
    gpu = summary["gpu"]
    tests = summary["cuda_tests"]
    lines = [
        f"# GPU check: {gpu.get('name', '?')}",
        "",
        f"Driver {gpu.get('driver_version', '?')}, {gpu.get('memory.total', '?')}, compute "
        f"capability {gpu.get('compute_cap', '?')}; "
        + ", ".join(f"{k} {v}" for k, v in summary["software"].items()),
        "",
        f"cuda tests: {tests.get('tests', 0)} run, {tests.get('failures', 0)} failed, "
        f"{tests.get('errors', 0)} errors, {tests.get('skipped', 0)} skipped"
        + "".join(f"\n- failed: {t}" for t in tests.get("failed", [])),
    ]
    if summary["paper_one_epoch"]:  # absent after --no-studies
        lines += [
            "",
            "| paper row, 1 epoch | precision | batch | s/epoch | img/s | test accuracy |",
            "|---|---|---:|---:|---:|---:|",
        ]
    for name, r in summary["paper_one_epoch"].items():
        if "status" in r:
            lines.append(f"| {name} | {r['status']}: {r['reason']} | | | | |")
        else:
            lines.append(
                f"| {name} | {r['precision']} | {r['batch_size']} | {r['seconds_per_epoch']:.1f} "
                f"| {r['train_images_per_second']:.0f} | {r['test_accuracy']:.2%} |"
            )
    table = Path("results/bench-gpu.md")
    if table.exists():
        lines += ["", table.read_text().strip()]
    atomic.write_text(out / "summary.md", "\n".join(lines) + "\n")
    print("\n".join(lines))
    return 1 if tests.get("failures") or tests.get("errors") or "error" in tests else 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["preflight"]:
        return preflight()
    if argv[:1] == ["preset"] and len(argv) == 3:
        return one_epoch_preset(argv[1], Path(argv[2]))
    if argv[:1] == ["summarize"] and len(argv) == 2:
        return summarize(Path(argv[1]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
