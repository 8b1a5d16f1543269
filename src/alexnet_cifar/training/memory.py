"""What a run that ran out of device memory tells its user: the largest batch size that fits,
found by trying one training step at halved sizes (a backend's ``fits``)."""

from __future__ import annotations

from collections.abc import Callable


def largest_fitting_batch(fits: Callable[[int], bool], failed: int) -> int | None:
    """The largest of failed/2, failed/4, ... 1 for which ``fits`` holds, or None."""
    batch = failed // 2
    while batch >= 1:
        if fits(batch):
            return batch
        batch //= 2
    return None


def out_of_memory_message(
    device: str, batch: int, suggestion: int | None, kept: str, extra: str = ""
) -> str:
    fix = (
        f"--batch-size {suggestion} fits (one training step tried)"
        if suggestion
        else "not even one image fits: try a smaller --input-size or model, or --device cpu"
    )
    return (
        f"{device} ran out of memory at --batch-size {batch}; {fix}. The run stopped and "
        f"{kept}{extra}"
    )
