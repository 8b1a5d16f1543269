"""--ema DECAY, decided once for both frameworks: an exponential moving average of the trainable
weights, updated after every optimizer step, which validation and the test evaluate while
training goes on with the live weights.

After step t (t = 0, 1, ... counted before it): ``average = m_t * average + (1 - m_t) * w``
with ``m_t = min(DECAY, (1 + t) / (10 + t))`` and ``m_0 = 0`` (the average starts as the
weights after the first step): the warm-up of tf.train.ExponentialMovingAverage's
``num_updates``, so a short run's average is not dominated by its random start.
BatchNorm's running statistics are not averaged: they are the live model's, already averages
over recent batches, and they are the same in both frameworks that way (Keras averages only
what its optimizer trains). A checkpoint holds the average beside the weights."""

from __future__ import annotations

import numpy as np


def ema_decay(decay: float, step: int) -> float:
    """m_t of the module docstring."""
    return 0.0 if step == 0 else min(decay, (1 + step) / (10 + step))


def ema_decays(decay: float, steps: int) -> np.ndarray:
    """m_t for t = 0 .. steps - 1, as the backends read it (float32)."""
    return np.array([ema_decay(decay, t) for t in range(steps)], dtype=np.float32)
