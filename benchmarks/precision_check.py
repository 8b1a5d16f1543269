"""Does training in bf16 (or fp16) change the accuracy? Compares each row of two studies run
with the same preset and seeds but different --precision, on the same test images: the
fp32 run's bootstrap 95% interval, whether the other precision's accuracy lies inside it, the
paired bootstrap interval of the difference, and McNemar's exact test.

Usage: python benchmarks/precision_check.py FP32_STUDY OTHER_STUDY OUT.json
(prints a Markdown table; writes OUT.json and OUT.md beside it)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from alexnet_cifar.metrics import bootstrap_ci, mcnemar_exact
from alexnet_cifar.report.collect import precision_of
from alexnet_cifar.system import atomic


def _runs(study: Path) -> dict[tuple[str, str], dict]:
    out = {}
    for path in sorted(study.glob("runs/*/seed-*/results.json")):
        r = json.loads(path.read_text())
        out[(path.parent.parent.name, path.parent.name)] = r
    return out


def _correct(r: dict) -> np.ndarray:
    return np.asarray(r["test_predictions"]) == np.asarray(r["test_labels"])


def compare(base: Path, other: Path) -> list[dict]:
    a_runs, b_runs = _runs(base), _runs(other)
    rows = []
    for key in sorted(set(a_runs) & set(b_runs)):
        a, b = a_runs[key], b_runs[key]
        if a["test_indices"] != b["test_indices"]:
            raise SystemExit(f"{key}: the two runs were tested on different images")
        ca, cb = _correct(a), _correct(b)
        rng = np.random.default_rng(0)
        idx = rng.integers(0, len(ca), size=(2000, len(ca)))
        diffs = cb[idx].mean(axis=1) - ca[idx].mean(axis=1)
        lo, hi = bootstrap_ci(ca)
        rows.append(
            {
                "row": key[0],
                "seed": key[1],
                "precision": [precision_of(a), precision_of(b)],
                "accuracy": [a["test_accuracy"], b["test_accuracy"]],
                "base_ci": [lo, hi],
                "inside_base_ci": bool(lo <= b["test_accuracy"] <= hi),
                "difference": b["test_accuracy"] - a["test_accuracy"],
                "difference_ci": [
                    float(np.quantile(diffs, 0.025)),
                    float(np.quantile(diffs, 0.975)),
                ],
                "mcnemar_p": mcnemar_exact(ca, cb)["p_value"],
                "seconds_per_epoch": [a["seconds_per_epoch"], b["seconds_per_epoch"]],
                "hardware": b["hardware"],
            }
        )
    return rows


def table(rows: list[dict]) -> str:
    lines = [
        "| row | seed | accuracy | 95% CI (first) | difference (95% CI) | McNemar p "
        "| inside the CI | s/epoch |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        (pa, pb), (aa, ab), (sa, sb) = r["precision"], r["accuracy"], r["seconds_per_epoch"]
        lo, hi = r["difference_ci"]
        lines.append(
            f"| {r['row']} | {r['seed']} | {pa} {aa:.2%} / {pb} {ab:.2%} "
            f"| {r['base_ci'][0]:.2%}-{r['base_ci'][1]:.2%} "
            f"| {r['difference']:+.2%} ({lo:+.2%} to {hi:+.2%}) "
            f"| {r['mcnemar_p']:.2f} | {'yes' if r['inside_base_ci'] else 'NO'} "
            f"| {sa:.0f} / {sb:.0f} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    base, other, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    rows = compare(base, other)
    atomic.write_json(out, {"base": str(base), "other": str(other), "rows": rows})
    atomic.write_text(out.with_suffix(".md"), table(rows))
    sys.stdout.write(table(rows))
