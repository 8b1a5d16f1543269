"""Which NVIDIA GPUs the machine has, read from the driver's /proc files without any framework:
so a framework that sees no GPU can tell "this machine has none" from "I cannot use it"."""

from __future__ import annotations

from pathlib import Path

NVIDIA_PROC = "/proc/driver/nvidia/gpus"


def nvidia_gpus(root: str | Path = NVIDIA_PROC) -> list[str]:
    """The model name of every GPU the NVIDIA driver has loaded (empty: no driver, no GPU)."""
    names = []
    for info in sorted(Path(root).glob("*/information")):
        try:
            text = info.read_text()
        except OSError:
            continue
        model = next(
            (ln.partition(":")[2].strip() for ln in text.splitlines() if ln.startswith("Model")), ""
        )
        names.append(model or "NVIDIA GPU")
    return names
