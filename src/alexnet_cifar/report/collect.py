"""Read a study (or any folder of run directories) into plain rows for the report: each row
holds its runs (one per seed), their mean and spread, and the paired comparisons."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from ..config import upgrade_config
from ..errors import ConfigError
from ..metrics import bootstrap_ci, mcnemar_exact, paired_difference
from ..records import EpochRecord, Results
from ..runs import RunDir, read_json
from ..training.records import time_to_accuracy
from . import transfer

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
# a home folder (/root, /home/NAME, /Users/NAME) at the start of an absolute path, not in a URL
_HOME = re.compile(r"(?<![\w:/.~])/(?:root|home/[\w.\-]+|Users/[\w.\-]+)(?=/)")
# any other absolute path of the machine a run was made on (not inside a URL)
_MACHINE_PATH = re.compile(r"(?<![\w:/.~])/(?:[\w.\-~]+/)+([\w.\-~]+)")


def redact(text: str) -> str:
    """``text`` without the machine's own folders: a home folder becomes ``~``, which every
    reader can follow; any other absolute path keeps only its last part."""
    text = _HOME.sub("~", text)
    return _MACHINE_PATH.sub(lambda m: f".../{m.group(1)}", text)


def skipped_source(reason: str) -> str | None:
    """The pretrained source a skip reason is about, found by its file name."""
    from ..weights.registry import SOURCES

    return next((s.name for s in SOURCES.values() if s.file_name in reason), None)


def _study_runs(root: Path, study: dict) -> tuple[dict[str, list[Path]], list[dict]]:
    """(row -> its finished run folders, the runs that should have results but have none).
    From study.json (one run per seed; an older study.json has one run_dir per row), else every
    run folder under runs/ (or root)."""
    found: dict[str, list[Path]] = {}
    incomplete = []
    if study.get("rows"):
        for name, entry in study["rows"].items():
            seeds = entry.get("seeds", {"0": entry})
            # by seed, whatever order the runs finished in (a Ray study's tasks race)
            for _, r in sorted(seeds.items(), key=lambda kv: int(kv[0])):
                path = root / r.get("run_dir", f"runs/{name}")
                if (path / "results.json").is_file():
                    found.setdefault(name, []).append(path)
                elif r.get("status") == "completed":
                    incomplete.append(_incomplete(name, path))
        return found, incomplete
    for base in (root / "runs", root):
        if not base.is_dir():
            continue
        for p in sorted(base.iterdir()):
            if (p / "results.json").is_file():
                found[p.name] = [p]
            elif (p / "config.json").is_file():
                incomplete.append(_incomplete(p.name, p))
        if found or incomplete:
            break
    return found, incomplete


def _incomplete(name: str, path: Path) -> dict:
    return {"row": name, "status": "incomplete", "reason": "", "path": path, "source": None}


class RunData(Results, total=False):
    """A run as the report reads it: its results.json with where it lives, which test images it
    got right, and its epoch records."""

    path: Path
    correct: np.ndarray
    metrics: list[EpochRecord]


def _read_run(path: Path) -> RunData:
    r: Results = read_json(path / "results.json")
    correct = np.array(r["test_predictions"]) == np.array(r["test_labels"])
    return {
        **r,
        "path": path,
        "precision": precision_of(r),
        "correct": correct,
        "metrics": RunDir(path).metrics(),
    }


def precision_of(results: Results) -> str:
    """The precision a run computed in; one from before --precision names none, and its
    config's amp flag tells."""
    recorded = upgrade_config(results.get("config", {})).get("precision", "fp32")
    return results.get("precision") or recorded


def seed_of(run: Results) -> int:
    return run.get("config", {}).get("seed", 0)


def _row(name: str, runs: list[RunData]) -> dict:
    """One row over its seeds: the mean accuracy with its spread, a bootstrap interval over
    the test images of the per-image mean correctness, per-class means, median timings."""
    accs = np.array([r["test_accuracy"] for r in runs])
    same_images = all(r["test_indices"] == runs[0]["test_indices"] for r in runs)
    correct = np.mean([r["correct"] for r in runs], axis=0) if same_images else runs[0]["correct"]
    epochs = [m for r in runs for m in r["metrics"]]
    classes = runs[0]["class_names"]
    row = {
        **runs[0],
        "row": name,
        "runs": runs,
        "seeds": [seed_of(r) for r in runs],
        "test_accuracy": float(accs.mean()),
        "accuracy_std": float(accs.std(ddof=1)) if len(accs) > 1 else 0.0,
        "accuracy_min": float(accs.min()),
        "accuracy_max": float(accs.max()),
        "ci": bootstrap_ci(correct),
        "correct": correct,
        "per_class_accuracy": {
            c: float(np.mean([r["per_class_accuracy"][c] for r in runs])) for c in classes
        },
        "confusion_matrix": np.sum([r["confusion_matrix"] for r in runs], axis=0).tolist(),
    }
    row["epoch_seconds"] = [m["seconds"] for m in epochs]
    row["epoch_walls"] = [m.get("wall_seconds", m["seconds"]) for m in epochs]
    if epochs:  # medians over every epoch of every seed
        row["seconds_per_epoch"] = float(np.median(row["epoch_seconds"]))
        row["train_images_per_second"] = float(np.median([m["images_per_second"] for m in epochs]))
    phases = [m["phases"] for m in epochs if m.get("phases")]
    # means for the stacked bar (the warm-up is paid in one epoch), medians for comparing rows
    row["phases"], row["phase_medians"] = (
        [
            {k: float(average([p.get(k, 0.0) for p in phases])) for k in phases[0]}
            for average in (np.mean, np.median)
        ]
        if phases
        else (None, None)
    )
    # seconds until validation first reached 80% and 85%, over the seeds that reached it (from
    # the epoch records where results.json predates the field)
    marks = [r.get("time_to_accuracy") or time_to_accuracy(r["metrics"]) for r in runs]
    for key, mark in (("80", "0.8"), ("85", "0.85")):
        reached = [m[mark] for m in marks if m.get(mark) is not None]
        row[f"time_to_{key}"] = float(np.median(reached)) if reached else None
        row[f"reached_{key}"] = len(reached)
    return row


def collect(root: str | Path) -> dict:
    root = Path(root)
    if not root.is_dir():
        raise ConfigError(f"{root}: no such folder; pass a study --out folder or a folder of runs")
    study = read_json(root / "study.json") if (root / "study.json").exists() else {}
    runs, incomplete = _study_runs(root, study)
    rows = [_row(name, [_read_run(p) for p in paths]) for name, paths in runs.items()]
    not_run = [
        {
            "row": name,
            # a row the study lists but has not started yet (an --only run) has no status
            "status": entry.get("status") or "pending",
            "reason": redact(entry.get("reason", "")),
            "source": skipped_source(entry.get("reason", ""))
            if entry.get("status") == "skipped"
            else None,
        }
        for name, entry in study.get("rows", {}).items()
        if entry.get("status") != "completed"
    ] + incomplete
    if not rows and not not_run:
        raise ConfigError(f"{root}: no finished runs (no runs/*/results.json) to report on")
    moved = transfer.layout(rows, list(study.get("rows", {})))
    return {
        "root": root,
        "preset": study.get("preset"),
        "description": study.get("description"),
        "command": study.get("command"),
        # the one commit a study records, and whether it ran from uncommitted changes
        "commit": study.get("commit"),
        "dirty": study.get("dirty", False),
        "rows": rows,
        "not_run": not_run,
        "transfer": moved,  # a study whose rows start from its other rows, else None
        "pairs": _pairs(rows, moved),
    }


def _pairs(rows: list[dict], moved: transfer.Transfer | None = None) -> dict[str, list[dict]]:
    by_name = {r["row"]: r for r in rows}
    groups = {"scratch_vs": SCRATCH_VS_PRETRAINED, "fw_vs": PYTORCH_VS_KERAS}
    if moved is not None:
        groups = {"transfer": moved.pairs()}
    elif not any(a in by_name and b in by_name for g in groups.values() for a, b in g):
        names = list(by_name)  # not a standard study: compare every pair
        groups = {"pairs": [(a, b) for i, a in enumerate(names) for b in names[i + 1 :]]}
    out = {}
    for group, pairs in groups.items():
        out[group] = []
        for a, b in pairs:
            ra, rb = by_name.get(a), by_name.get(b)
            if ra is None or rb is None:
                continue
            pair = compare(ra, rb)
            if pair is not None:
                out[group].append({"a": a, "b": b, **pair})
    return out


def pair_lookup(data: dict) -> dict[tuple[str, str], dict]:
    """(A, B) -> the comparison of rows A and B, over every group."""
    return {(p["a"], p["b"]): p for group in data["pairs"].values() for p in group}


def compare(ra: dict, rb: dict) -> dict | None:
    """McNemar's test per seed the two rows share (on the same test images), and the paired
    difference of their accuracies over those seeds."""
    runs_a = {seed_of(r): r for r in ra["runs"]}
    runs_b = {seed_of(r): r for r in rb["runs"]}
    seeds = [s for s in runs_a if s in runs_b]
    per_seed = [
        {
            "seed": s,
            "acc_a": runs_a[s]["test_accuracy"],
            "acc_b": runs_b[s]["test_accuracy"],
            **mcnemar_exact(runs_a[s]["correct"], runs_b[s]["correct"]),
        }
        for s in seeds
        if runs_a[s]["test_indices"] == runs_b[s]["test_indices"]
    ]
    if not per_seed:
        return None
    acc_a, acc_b = [p["acc_a"] for p in per_seed], [p["acc_b"] for p in per_seed]
    # A and B over the seeds both rows ran, so that B - A is the paired difference even
    # where one row has more seeds than the other (an --only run, a failed seed)
    return {
        "acc_a": float(np.mean(acc_a)),
        "acc_b": float(np.mean(acc_b)),
        "shared_seeds": [p["seed"] for p in per_seed],
        "all_seeds": len(per_seed) == len(runs_a) == len(runs_b),
        "per_seed": per_seed,
        "paired": paired_difference(acc_a, acc_b),
        # the first seed's test, for a study of one seed
        **{k: per_seed[0][k] for k in ("only_a", "only_b", "p_value")},
    }
