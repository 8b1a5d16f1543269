"""What a PyTorch run computes in: autocast to bf16 or fp16, fp16's loss scaling, and subnormal
floats flushed to zero on the CPU as TensorFlow does (training/precision.py's FLUSH_DENORMALS
says why). torch sets the flush for the calling thread; its CPU worker threads copy the calling
thread's setting when they start, so it must come before torch's first parallel op."""

from __future__ import annotations

import warnings

import torch

from ...training.precision import FLUSH_DENORMALS, LOSS_SCALE_GROWTH_STEPS, LOSS_SCALE_START, TF32

AUTOCAST_DTYPES = {"bf16": torch.bfloat16, "fp16": torch.float16}


class Precision:
    """Autocast and, for fp16, loss scaling, for one resolved precision on one device."""

    def __init__(self, precision: str, device: torch.device):
        self.device = device
        self.dtype = AUTOCAST_DTYPES.get(precision)
        self.scaler = torch.amp.GradScaler(
            device.type,
            init_scale=LOSS_SCALE_START,
            growth_interval=LOSS_SCALE_GROWTH_STEPS,
            enabled=precision == "fp16",
        )
        self._watched = None  # the optimizer whose steps _stepped counts
        self._steps_taken = 0

    def autocast(self):
        return torch.autocast(
            self.device.type, dtype=self.dtype or torch.float32, enabled=self.dtype is not None
        )

    def backward_step(self, loss: torch.Tensor, optimizer: torch.optim.Optimizer) -> bool:
        """Backward and optimizer step; under fp16 the loss is scaled and a step whose
        gradients overflowed is skipped, as GradScaler does. Whether the step was taken."""
        self.scaler.scale(loss).backward()
        if not self.scaler.is_enabled():
            optimizer.step()
            return True
        # GradScaler calls optimizer.step() only where no gradient overflowed; a hook sees
        # whether it ran, where reading the scale back before and after would wait on the
        # device twice more each step
        if optimizer is not self._watched:
            optimizer.register_step_post_hook(self._stepped)
            self._watched = optimizer
        self._steps_taken = 0
        self.scaler.step(optimizer)
        self.scaler.update()
        return self._steps_taken > 0

    def _stepped(self, optimizer, args, kwargs) -> None:
        self._steps_taken += 1


# the bits of a float32 subnormal (2**-129): made from a float it would already be flushed on
# this thread; and enough of them for torch to split the product over its threads
SUBNORMAL_BITS, PROBE_SIZE = 1 << 20, 1 << 22


def subnormals(n: int) -> torch.Tensor:
    return torch.full((n,), SUBNORMAL_BITS, dtype=torch.int32).view(torch.float32)


def full_float32() -> None:
    """training/precision.py's TF32 for torch's matrix products and cuDNN convolutions."""
    torch.backends.cuda.matmul.allow_tf32 = TF32
    torch.backends.cudnn.allow_tf32 = TF32


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
