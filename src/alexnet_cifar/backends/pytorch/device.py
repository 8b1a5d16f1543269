"""Where a PyTorch run computes: the device a --device name resolves to, what it can compute
in, the software and hardware its records name, and the memory layout of its tensors."""

from __future__ import annotations

import gc
from contextlib import AbstractContextManager, nullcontext

import torch

from ...training.devices import use_gpu
from ...training.precision import Capability, cpu_capability, cuda_capability


def resolve_device(name: str) -> torch.device:
    gpu = use_gpu(
        name,
        "pytorch",
        visible=torch.cuda.is_available(),
        build=f"PyTorch {torch.__version__}",
        cuda_build=torch.version.cuda is not None,
    )
    return torch.device("cuda" if gpu else "cpu")


def free_device_memory() -> None:
    """Give the blocks PyTorch's allocator caches back to the GPU after a run, so the Keras
    rows of the same study or notebook can have them."""
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        gc.collect()
        torch.cuda.empty_cache()


def capability(name: str) -> Capability:
    """What PyTorch computes in on device ``name``: fp16 with GradScaler everywhere (the CPU
    too), bf16 where the hardware has it."""
    device = resolve_device(name)
    if device.type == "cuda":
        cc = torch.cuda.get_device_capability(device)
        return cuda_capability(torch.cuda.get_device_name(device), cc)
    return cpu_capability()


# Channels-last (NHWC) memory is faster on CUDA, and on the CPU measured faster in bf16 for
# both models and in fp32 at 32 px (bench's channels_last_over_nchw: results/bench-cpu-*.json).
CHANNELS_LAST = True


def software() -> dict:
    import torchvision

    return {
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "cuda": torch.version.cuda,
        "cudnn": torch.backends.cudnn.version(),
    }


def hardware(device: torch.device) -> dict:
    info = {"device": str(device), "torch_threads": torch.get_num_threads()}
    if device.type == "cuda":
        info["gpu"] = torch.cuda.get_device_name(device)
    return info


def device_scope(config) -> AbstractContextManager:
    """Entered around a trainer's or a bench's whole life: nothing to place in PyTorch, whose
    modules are moved to their device explicitly (Keras places its variables with it)."""
    return nullcontext()
