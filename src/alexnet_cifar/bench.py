"""Timing helpers and the printed form of `alexnet-cifar bench` results (framework-neutral)."""

from __future__ import annotations

import time
from collections.abc import Callable


def images_per_second(
    step: Callable[[], None],
    batch_size: int,
    steps: int,
    warmup: int,
    sync: Callable[[], None] = lambda: None,
) -> float:
    """Run ``step`` warmup + steps times; images/s over the timed steps only."""
    for _ in range(warmup):
        step()
    sync()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    sync()
    return batch_size * steps / (time.perf_counter() - start)


def bench_record(framework: str, spec, batch_size: int, steps: int, warmup: int) -> dict:
    """The head of a bench result: what was measured, before the numbers."""
    return {
        "framework": framework,
        "model": spec.name,
        "input_size": spec.input_size,
        "batch_size": batch_size,
        "steps": steps,
        "warmup": warmup,
    }


def format_bench(r: dict) -> str:
    lines = [
        f"{r['framework']} {r['model']} at {r['input_size']} px, batch {r['batch_size']}, "
        f"{r['steps']} timed steps on {r['hardware'].get('gpu') or r['hardware']['cpu']}, "
        f"{r.get('precision', 'fp32')}",
        f"{'measurement':<44} {'images/s':>10}",
    ]
    for key, label in (
        ("compute_train", "train, compute only (batch on device)"),
        ("pipeline_train", "train, through the input pipeline"),
        ("naive_train", "train, through the naive PIL DataLoader"),
        ("compute_inference", "inference, compute only"),
        ("pipeline_inference", "inference, through the pipeline"),
        ("pipeline_only", "input pipeline alone"),
        ("naive_pipeline_only", "input pipeline alone (naive PIL)"),
        ("nchw_compute_train", "train, compute only, NCHW layout"),
    ):
        if r.get(key) is not None:
            lines.append(f"{label:<44} {r[key]:>10.1f}")
    for key, label in (
        ("pipeline_over_compute", "pipeline / compute (train)"),
        ("pipeline_over_naive", "pipeline / naive (train)"),
        ("channels_last_over_nchw", "channels_last / NCHW (train)"),
    ):
        if r.get(key) is not None:
            lines.append(f"{label:<44} {r[key]:>10.3f}")
    for key, value in r.get("fp32", {}).items():
        label = f"{key.replace('compute_', '')}, compute only, fp32"
        lines.append(f"{label:<44} {value:>10.1f}")
        label = f"{r['precision']} / fp32 ({key.replace('compute_', '')})"
        lines.append(f"{label:<44} {r['speedup_over_fp32'][key]:>10.3f}")
    return "\n".join(lines)
