"""Read a study (or any folder of run directories) into plain rows for the report."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..errors import ConfigError
from ..metrics import bootstrap_ci, mcnemar_exact

SCRATCH_VS_PRETRAINED = [
    ("scratch-pytorch", "imagenet-pytorch"),
    ("scratch-pytorch", "caffe-pytorch"),
    ("scratch-keras", "caffe-keras"),
    ("scratch-keras", "vgg16-keras"),
    ("scratch-keras", "torchvision-keras"),
]
PYTORCH_VS_KERAS = [
    ("scratch-pytorch", "scratch-keras"),
    ("imagenet-pytorch", "torchvision-keras"),
    ("caffe-pytorch", "caffe-keras"),
]


def _run_dirs(root: Path) -> dict[str, Path]:
    for base in (root / "runs", root):
        found = (
            {p.name: p for p in sorted(base.iterdir()) if (p / "results.json").is_file()}
            if base.is_dir()
            else {}
        )
        if found:
            return found
    return {}


def collect(root: str | Path) -> dict:
    root = Path(root)
    if not root.is_dir():
        raise ConfigError(f"{root}: no such folder; pass a study --out folder or a folder of runs")
    study = json.loads((root / "study.json").read_text()) if (root / "study.json").exists() else {}
    rows, not_run = [], []
    for name, path in _run_dirs(root).items():
        r = json.loads((path / "results.json").read_text())
        metrics = (
            [json.loads(l) for l in (path / "metrics.jsonl").read_text().splitlines() if l]
            if (path / "metrics.jsonl").exists()
            else []
        )
        correct = np.array(r["test_predictions"]) == np.array(r["test_labels"])
        lo, hi = bootstrap_ci(correct)
        if metrics:  # medians from the per-epoch records (older results.json held means)
            r["seconds_per_epoch"] = float(np.median([m["seconds"] for m in metrics]))
            r["train_images_per_second"] = float(
                np.median([m["images_per_second"] for m in metrics])
            )
        rows.append({**r, "row": name, "ci": (lo, hi), "correct": correct, "metrics": metrics})
    for name, entry in study.get("rows", {}).items():
        if entry.get("status") != "completed":
            not_run.append(
                {"row": name, "status": entry.get("status"), "reason": entry.get("reason", "")}
            )
    if not rows and not not_run:
        raise ConfigError(f"{root}: no finished runs (no runs/*/results.json) to report on")
    order = {n: i for i, n in enumerate(study.get("rows", {}))}
    rows.sort(key=lambda r: order.get(r["row"], len(order)))
    return {
        "root": root,
        "preset": study.get("preset"),
        "description": study.get("description"),
        "rows": rows,
        "not_run": not_run,
        "pairs": _pairs(rows),
    }


def _pairs(rows: list[dict]) -> dict[str, list[dict]]:
    by_name = {r["row"]: r for r in rows}
    groups = {"scratch_vs": SCRATCH_VS_PRETRAINED, "fw_vs": PYTORCH_VS_KERAS}
    if not any(a in by_name and b in by_name for g in groups.values() for a, b in g):
        names = list(by_name)  # not a standard study: compare every pair
        groups = {"pairs": [(a, b) for i, a in enumerate(names) for b in names[i + 1 :]]}
    out = {}
    for group, pairs in groups.items():
        out[group] = []
        for a, b in pairs:
            ra, rb = by_name.get(a), by_name.get(b)
            if ra is None or rb is None or ra["test_indices"] != rb["test_indices"]:
                continue
            out[group].append(
                {
                    "a": a,
                    "b": b,
                    "acc_a": ra["test_accuracy"],
                    "acc_b": rb["test_accuracy"],
                    **mcnemar_exact(ra["correct"], rb["correct"]),
                }
            )
    return out
