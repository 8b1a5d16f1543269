"""Where an epoch's time goes, in the same phases for both frameworks, measured without a sync
on every step.

A backend's training loop reports to a StepTimer: the seconds it waits for each batch (input)
and the end of each window of steps that closes with a host sync (every
EpochProgress.SYNC_EVERY steps, where both loops read the running loss anyway). A window's time
less its input is the steps' compute; the first window of a process also holds the warm-up
(tracing, compilation, allocator and thread-pool start-up), counted as what it took beyond the
steady time per step of the other windows. Whatever the loop spends outside input and windows
(callbacks, progress bars, Python) is overhead. The trainer adds validation and records
(checkpoint, TensorBoard, metrics line) and the epoch's whole wall time beside them, so the
phases add up to it.

What each framework counts as input: PyTorch gathers, warps and normalizes on the training
thread, all timed as input. Keras draws the plan in Python (input) and lets tf.data gather,
warp and normalize on its own threads while the steps run: that part overlaps the steps and
shows in compute, as far as it slows them.
"""

from __future__ import annotations

import time

import numpy as np

PHASES = ("warmup", "input", "compute", "overhead", "validation", "records")


class StepTimer:
    """One epoch's input waits and sync-closed windows of steps."""

    def __init__(self) -> None:
        self.input = 0.0
        self.windows: list[tuple[int, float]] = []  # (steps, seconds without input)
        self._mark = time.perf_counter()
        self._input_at_mark = 0.0
        self._steps_at_mark = 0

    def add_input(self, seconds: float) -> None:
        self.input += seconds

    def window_begin(self) -> None:
        """A window starts here (where windows are not back to back: Keras' callbacks)."""
        self._mark = time.perf_counter()
        self._input_at_mark = self.input

    def window_end(self, steps_done: int) -> None:
        """``steps_done`` steps of the epoch are done and synced."""
        now = time.perf_counter()
        seconds = now - self._mark - (self.input - self._input_at_mark)
        self.windows.append((steps_done - self._steps_at_mark, max(seconds, 0.0)))
        self._mark, self._input_at_mark, self._steps_at_mark = now, self.input, steps_done

    def phases(self, train_seconds: float, warm_up: bool) -> dict[str, float]:
        """warmup, input, compute and overhead of a training loop that took ``train_seconds``;
        ``warm_up``: the process's first epoch, whose first window holds the warm-up."""
        windowed = sum(s for _, s in self.windows)
        warmup = 0.0
        if warm_up and len(self.windows) > 1:
            steady = float(np.median([s / n for n, s in self.windows[1:] if n]))
            first_steps, first_seconds = self.windows[0]
            warmup = max(first_seconds - first_steps * steady, 0.0)
        compute = windowed - warmup
        input_ = min(self.input, max(train_seconds - windowed, 0.0)) if windowed else self.input
        return {
            "warmup": warmup,
            "input": input_,
            "compute": compute,
            "overhead": max(train_seconds - input_ - windowed, 0.0),
        }


def total_phases(epochs: list[dict]) -> dict[str, float] | None:
    """Each phase summed over the epochs that record them (None when none does)."""
    recorded = [e["phases"] for e in epochs if e.get("phases")]
    if not recorded:
        return None
    return {p: float(sum(r.get(p, 0.0) for r in recorded)) for p in PHASES}
