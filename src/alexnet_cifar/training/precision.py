"""Which floating-point precision a run computes in, decided here once for both frameworks.

``auto`` takes the fastest precision the device runs natively: on CUDA bf16 from compute
capability 8.0 (Ampere) on, fp16 with loss scaling before it (T4, V100); on the CPU bf16 where
the processor has bf16 instructions (``amx_bf16`` or ``avx512_bf16``), else fp32, because
emulated bf16 is slower than fp32. A backend reports what its device can do as a
``Capability``; ``choose`` turns the requested precision into the one that runs, or a
ConfigError naming what is supported there and what ``auto`` would pick.

What stays in float32 under bf16/fp16, in both frameworks: the weights and optimizer state,
the last linear layer (the logits), softmax and loss, BatchNorm's statistics, and Caffe's LRN
(TensorFlow has no bf16 LRN kernel; squares of activations overflow fp16).

fp16's dynamic loss scaling is the same in both frameworks (torch's GradScaler, Keras'
LossScaleOptimizer): it starts at LOSS_SCALE_START, halves on a step whose gradients overflow
and skips that step, and doubles after LOSS_SCALE_GROWTH_STEPS steps in a row without one. A
skipped step moves neither the learning-rate schedule nor the weight average: Keras' optimizer
does not count it, and the PyTorch loop follows.

Subnormal floats (below 1.2e-38 in float32) are flushed to zero on the CPU in both frameworks
(FLUSH_DENORMALS): TensorFlow does so in every op it runs, and the PyTorch backend sets torch
alike. Computed, they cost x86 cores a slow microcode path per operation: a training step whose
gradients fall that low (a confident softmax, a batch trained on repeatedly) ran at less than
half its speed in PyTorch alone (alexnet at 224 px, 2-core Ice Lake: 22 against 57 img/s).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..config import PRECISIONS
from ..errors import ConfigError
from ..system.cpuinfo import cpu_flags, cpu_model

BF16_CPU_FLAGS = ("amx_bf16", "avx512_bf16")
CUDA_BF16_CAPABILITY = (8, 0)
# Keras' defaults; torch's GradScaler would start at 2**16
LOSS_SCALE_START, LOSS_SCALE_GROWTH_STEPS = 2.0**15, 2000
FLUSH_DENORMALS = True
# float32 is IEEE float32 on a GPU too: TensorFlow runs float32 matrix products and
# convolutions in TF32 (10-bit mantissa) on Ampere and newer by default, torch only its
# convolutions; both are turned off, so an fp32 run (and resample.py's input products) computes
# the same arithmetic in either framework. bf16 and fp16 are what ``auto`` picks there anyway.
TF32 = False


@dataclass(frozen=True)
class Capability:
    """What one framework can compute in on one device."""

    device: str  # "cpu" or "cuda"
    name: str  # the processor or GPU, for messages
    bf16: bool  # native bf16 arithmetic
    fp16: bool  # this framework trains in fp16 (with loss scaling) here

    @property
    def supported(self) -> list[str]:
        return ["fp32"] + ["bf16"] * self.bf16 + ["fp16"] * self.fp16


def cpu_native_bf16(flags: set[str] | None = None) -> bool:
    return bool(set(BF16_CPU_FLAGS) & (cpu_flags() if flags is None else flags))


def cuda_native_bf16(capability: tuple[int, int]) -> bool:
    return tuple(capability) >= CUDA_BF16_CAPABILITY


def cpu_capability() -> Capability:
    """This CPU, for a framework that trains in fp16 on it (both do: PyTorch with GradScaler,
    Keras through Eigen)."""
    return Capability("cpu", cpu_model(), cpu_native_bf16(), True)


def cuda_capability(gpu: str, capability: tuple[int, int]) -> Capability:
    """A CUDA GPU named ``gpu`` of compute ``capability`` (major, minor)."""
    label = f"{gpu} (compute capability {capability[0]}.{capability[1]})"
    return Capability("cuda", label, cuda_native_bf16(capability), True)


def auto_precision(cap: Capability) -> str:
    if cap.bf16:
        return "bf16"
    if cap.device == "cuda" and cap.fp16:
        return "fp16"
    return "fp32"


def choose(requested: str, cap: Capability, framework: str) -> str:
    """The precision a run computes in: ``requested`` where ``cap`` supports it."""
    if requested not in PRECISIONS:
        raise ConfigError(
            f"--precision {requested!r} is not known; choose one of: {', '.join(PRECISIONS)}"
        )
    auto = auto_precision(cap)
    if requested == "auto":
        return auto
    if requested in cap.supported:
        return requested
    if requested == "bf16":
        why = (
            f"{cap.name} has no native bf16 (compute capability "
            f"{'.'.join(map(str, CUDA_BF16_CAPABILITY))} or newer needed)"
            if cap.device == "cuda"
            else f"this CPU ({cap.name}) has no bf16 instructions "
            f"({' or '.join(BF16_CPU_FLAGS)} in lscpu)"
        )
    else:
        why = f"{framework} has no fp16 training on the {cap.device}"
    raise ConfigError(
        f"--precision {requested}: {why}; {framework} on this {cap.device} supports "
        f"{', '.join(cap.supported)} (auto picks {auto})"
    )


def mixed(precision: str) -> bool:
    return precision in ("bf16", "fp16")
