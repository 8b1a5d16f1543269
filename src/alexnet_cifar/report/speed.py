"""Whether one row trains faster than another, decided only where the runs can support it.

Two rows' epoch times are compared seed by seed (the runs a study makes of one seed run next to
each other, in alternating order: study/matrix.py's run_order), as the ratio of their median
epoch times, with a t interval over the seeds. A verdict needs that interval to exclude 1 and
the machine to have been alike for every run compared: the load average while they trained
and the speed each run measured before it started (``--speed-probe``), each within
``COMPARABLE`` of the others."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

COMPARABLE = 1.10  # the largest max/min ratio of the runs' load or speed that still compares
LEVEL = 0.95


@dataclass(frozen=True)
class SpeedComparison:
    """``verdict``: "faster" (``ratio`` = B's time per epoch / A's, interval excluding 1),
    "apart" (not told apart: the interval holds 1), "one_seed" (no interval from one pair),
    "unrecorded" (the runs did not record the machine's state), "drift" (the machine's load
    or speed moved more than COMPARABLE between the runs: ``spread`` says by how much and
    ``what`` which of the two)."""

    verdict: str
    ratio: float
    interval: tuple[float, float] | None
    seeds: int
    spread: float | None = None
    what: str | None = None


def _median_epoch(run) -> float:
    return float(np.median([m["seconds"] for m in run["metrics"]]))


def _state(run, key: str) -> float | None:
    values = [m.get(key) for m in run["metrics"]]
    if not values or any(v is None for v in values):
        return None
    return float(np.median(values))


def _spread(values: list[float]) -> float:
    return max(values) / min(values) if min(values) > 0 else float("inf")


def compare_speed(runs_a: dict[int, dict], runs_b: dict[int, dict]) -> SpeedComparison | None:
    """Rows A and B by their runs (seed -> run with its ``metrics``); None where they share
    no seed with epochs to time."""
    seeds = sorted(s for s in runs_a.keys() & runs_b.keys() if runs_a[s]["metrics"])
    seeds = [s for s in seeds if runs_b[s]["metrics"]]
    if not seeds:
        return None
    ratios = np.array([_median_epoch(runs_b[s]) / _median_epoch(runs_a[s]) for s in seeds])
    ratio = float(np.exp(np.mean(np.log(ratios))))
    runs = [runs_a[s] for s in seeds] + [runs_b[s] for s in seeds]
    loads = [_state(r, "load_average") for r in runs]
    speeds = {
        row: [_state(r[s], "machine_speed") for s in seeds]
        for row, r in (("a", runs_a), ("b", runs_b))
    }
    recorded = all(v is not None for v in loads) and all(
        v is not None for values in speeds.values() for v in values
    )
    if not recorded:
        return SpeedComparison("unrecorded", ratio, None, len(seeds))
    # each row's own model is its probe: its speed must hold across that row's runs
    drift = {"load": _spread(loads), "speed": max(_spread(values) for values in speeds.values())}
    what, spread = max(drift.items(), key=lambda kv: kv[1])
    if spread > COMPARABLE:
        return SpeedComparison("drift", ratio, None, len(seeds), spread, what)
    if len(seeds) < 2:
        return SpeedComparison("one_seed", ratio, None, 1)
    logs = np.log(ratios)
    half = stats.t.ppf((1 + LEVEL) / 2, len(logs) - 1) * logs.std(ddof=1) / np.sqrt(len(logs))
    interval = (float(np.exp(logs.mean() - half)), float(np.exp(logs.mean() + half)))
    verdict = "faster" if interval[0] > 1 or interval[1] < 1 else "apart"
    return SpeedComparison(verdict, ratio, interval, len(seeds))
