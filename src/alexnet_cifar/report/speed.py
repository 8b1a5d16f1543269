"""Whether one row trains faster than another, decided only where the runs can support it.

Two rows' epoch times are compared seed by seed (the runs a study makes of one seed run next to
each other, in alternating order: study/matrix.py's run_order), as the ratio of their median
epoch times, with a t interval over the seeds. A verdict needs that interval to exclude 1 and
the machine to have been alike for every run compared:
- nothing else took the machine while they trained: other processes' share of its processor
  time (``others_cpu``, system/cpu_share.py) at most ``BUSY`` in every run; runs recorded
  before that share was kept fall back to the load average, within ``COMPARABLE`` of each
  other (a coarser gauge: it counts a framework's own threads too);
- the machine ran at one speed: a row's seeds do the same arithmetic, so each row's median
  epoch times agree within ``COMPARABLE`` from seed to seed. The runs' own 20-odd epochs
  gauge that far better than the few steps of ``--speed-probe`` timed before each run, which
  catch the process's start-up as much as the machine."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

COMPARABLE = 1.10  # the largest max/min ratio of the runs' load or speed that still compares
BUSY = 0.05  # the largest share of the machine other processes may have used in a run compared
LEVEL = 0.95


@dataclass(frozen=True)
class SpeedComparison:
    """``verdict``: "faster" (``ratio`` = B's time per epoch / A's, interval excluding 1),
    "apart" (not told apart: the interval holds 1), "one_seed" (no interval from one pair),
    "unrecorded" (the runs did not record how busy the machine was), "busy" (other processes
    took more than BUSY of the machine in a run: ``spread`` is the largest share), "drift"
    (the machine's load or a row's own time per epoch moved more than COMPARABLE between the
    runs: ``spread`` says by how much and ``what`` which of the two)."""

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
    times = {row: [_median_epoch(r[s]) for s in seeds] for row, r in (("a", runs_a), ("b", runs_b))}
    ratios = np.array(times["b"]) / np.array(times["a"])
    ratio = float(np.exp(np.mean(np.log(ratios))))
    runs = [runs_a[s] for s in seeds] + [runs_b[s] for s in seeds]
    others = [_state(r, "others_cpu") for r in runs]
    loads = [_state(r, "load_average") for r in runs]
    if all(v is not None for v in others):
        if max(others) > BUSY:
            return SpeedComparison("busy", ratio, None, len(seeds), max(others))
        drift = {}
    elif all(v is not None for v in loads):
        drift = {"load": _spread(loads)}
    else:
        return SpeedComparison("unrecorded", ratio, None, len(seeds))
    # a row's seeds do the same arithmetic: its own epochs say whether the machine held speed
    drift["speed"] = max(_spread(values) for values in times.values())
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
