"""Where a run computes, decided once for both backends: a backend says whether its framework
sees a GPU and whether its build has CUDA; the machine's own GPUs come from the driver
(gpuinfo.py), so a framework that cannot use a GPU the machine has says why and what to
install, never falls back to the CPU in silence."""

from __future__ import annotations

import warnings

from ..errors import ConfigError
from ..system.gpuinfo import nvidia_gpus

# what makes each framework's build use an NVIDIA GPU (pinned as in pyproject.toml)
CUDA_BUILD = {
    "pytorch": "pip install --force-reinstall torch==2.14.1 torchvision==0.29.1 (PyPI's Linux "
    "x86_64 wheels are CUDA builds)",
    "keras": "pip uninstall -y tensorflow-cpu && pip install 'alexnet-cifar[keras,cuda]'",
}
CUDA_LIBRARIES = {
    "pytorch": "the NVIDIA driver is too old for this CUDA or CUDA_VISIBLE_DEVICES hides the "
    "GPU (nvidia-smi tells)",
    "keras": "its CUDA libraries are missing (pip install 'alexnet-cifar[cuda]', which brings "
    "tensorflow[and-cuda]), or the driver is too old, or CUDA_VISIBLE_DEVICES hides the GPU",
}


def gpu_unusable(framework: str, build: str, cuda_build: bool, gpus: list[str]) -> str:
    """Why ``build`` (e.g. "TensorFlow 2.21.0") sees no GPU on a machine with ``gpus``."""
    if not gpus:
        return "this machine has no NVIDIA GPU (no driver lists one)"
    gpu = gpus[0]
    if not cuda_build:
        return f"{build} is a CPU-only build and cannot use the {gpu}: {CUDA_BUILD[framework]}"
    return f"{build} cannot reach the {gpu}: {CUDA_LIBRARIES[framework]}"


def use_gpu(
    requested: str,
    framework: str,
    *,
    visible: bool,
    build: str,
    cuda_build: bool,
    gpus: list[str] | None = None,
) -> bool:
    """Whether a run asked to compute on ``requested`` (auto, cpu, cuda) uses the GPU its
    framework sees. ``--device cuda`` that cannot be honoured is a ConfigError; ``auto`` on a
    machine whose GPU the framework cannot use trains on the CPU with a one-line warning."""
    if requested == "cpu":
        return False
    if visible:
        return True
    gpus = nvidia_gpus() if gpus is None else gpus
    if requested == "cuda":
        why = gpu_unusable(framework, build, cuda_build, gpus)
        raise ConfigError(f"--device cuda: {why}; or use --device cpu")
    if gpus:
        why = gpu_unusable(framework, build, cuda_build, gpus)
        warnings.warn(f"--device auto trains on the CPU: {why}", RuntimeWarning, stacklevel=2)
    return False
