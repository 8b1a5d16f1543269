"""Subnormal floats flushed to zero on the CPU, as TensorFlow does (training/precision.py's
FLUSH_DENORMALS says why). torch sets it for the calling thread; its CPU worker threads copy
the calling thread's setting when they start, so it must come before torch's first parallel op.
"""

from __future__ import annotations

import warnings

import torch

from ...training.precision import FLUSH_DENORMALS

# the bits of a float32 subnormal (2**-129): made from a float it would already be flushed on
# this thread; and enough of them for torch to split the product over its threads
SUBNORMAL_BITS, PROBE_SIZE = 1 << 20, 1 << 22


def subnormals(n: int) -> torch.Tensor:
    return torch.full((n,), SUBNORMAL_BITS, dtype=torch.int32).view(torch.float32)


def flush_denormals() -> None:
    """Sets torch's flush-to-zero mode, then checks it on every CPU thread: where torch had
    started its threads already (a notebook that used torch before this import) some of them
    still compute subnormals, and a warning says how to start cleanly."""
    if not torch.set_flush_denormal(FLUSH_DENORMALS) or not FLUSH_DENORMALS:
        return  # a CPU without the mode (neither SSE3 nor AArch64): nothing to match
    kept = int(torch.count_nonzero(subnormals(PROBE_SIZE) * 2.0))
    if kept:
        warnings.warn(
            f"torch's CPU threads started before alexnet_cifar's PyTorch backend was imported, "
            f"and {kept:,} of {PROBE_SIZE:,} subnormal products were not flushed to zero as "
            f"TensorFlow flushes them: import alexnet_cifar.backends.pytorch (or call "
            f"get_backend('pytorch')) before the first torch computation",
            RuntimeWarning,
            stacklevel=2,
        )
