"""The learning-rate curve, the plateau rule and early stopping, defined once for both
frameworks. The plateau and early-stopping decisions are read off the epoch records, so a
resumed run decides exactly as an uninterrupted one would."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

PLATEAU_FACTOR, PLATEAU_PATIENCE = 0.1, 2  # x0.1 after 2 epochs without a lower val loss
PLATEAU_THRESHOLD = 1e-4  # relative: a val loss must beat the best by 0.01% to count


def _cos_anneal(start: float, end: float, pct: float) -> float:
    return end + (start - end) / 2 * (1 + math.cos(math.pi * pct))


def lr_factor(
    schedule: str, step: int, total_steps: int, steps_per_ep: int, step_size: int
) -> float:
    """Multiplier of the base learning rate at optimizer step ``step``. "onecycle" is PyTorch's
    OneCycleLR (warm-up over 30%, from lr/25 up to lr, then down to lr/25e4, cosine), learning
    rate only; "plateau" is 1 here and scaled by ``plateau_scale`` after each epoch."""
    if schedule == "onecycle":
        warm = 0.3 * total_steps - 1
        start, low = 1 / 25, 1 / 25 / 1e4
        if step <= warm:
            return _cos_anneal(start, 1.0, step / warm) if warm > 0 else 1.0
        return _cos_anneal(1.0, low, min(1.0, (step - warm) / (total_steps - 1 - warm)))
    if schedule in ("none", "plateau"):
        return 1.0
    if schedule == "step":
        return 0.1 ** ((step // steps_per_ep) // step_size)
    if schedule == "cosine":
        return 0.5 * (1 + math.cos(math.pi * min(step, total_steps) / total_steps))
    raise ValueError(f"unknown schedule {schedule!r}")


def lr_curve(
    schedule: str, epochs: int, steps_per_ep: int, step_size: int
) -> Callable[[int], float]:
    """``lr_factor`` of one run, as a function of the optimizer step alone."""
    total = steps_per_ep * epochs
    return lambda step: lr_factor(schedule, step, total, steps_per_ep, step_size)


def plateau_scale(records: list[dict]) -> float:
    """The plateau schedule's multiplier after these epochs: x PLATEAU_FACTOR each time
    PLATEAU_PATIENCE epochs in a row bring no validation loss below the best so far."""
    scale, best, bad = 1.0, math.inf, 0
    for r in records:
        loss = r.get("val_loss")
        if loss is None:
            continue
        if loss < best * (1 - PLATEAU_THRESHOLD):
            best, bad = loss, 0
        else:
            bad += 1
        if bad >= PLATEAU_PATIENCE:
            scale, bad = scale * PLATEAU_FACTOR, 0
    return scale


def lr_scale(schedule: str, records: list[dict]) -> float:
    """The multiplier the epoch records put on the curve: the plateau rule under
    ``--schedule plateau``, and nothing under any other schedule, which follows its curve
    whatever validation does."""
    return plateau_scale(records) if schedule == "plateau" else 1.0


def epochs_without_improvement(records: list[dict]) -> int:
    """Epochs since the best validation accuracy so far (a tie is no improvement)."""
    accs = [r.get("val_accuracy") for r in records]
    if not accs or any(a is None for a in accs):
        return 0
    return len(accs) - 1 - int(np.argmax(accs))
