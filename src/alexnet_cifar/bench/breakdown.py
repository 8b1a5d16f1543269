"""`alexnet-cifar bench --breakdown STEPS`: where a real epoch's time goes (training/phases.py),
from a short run of the real trainer: two epochs of about STEPS/2 steps each, the first paying
the warm-up. ``--trace DIR`` also records the framework's own profiler over the run
(torch.profiler or TensorFlow's, both readable in TensorBoard)."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

from ..config import TrainConfig
from ..errors import ConfigError
from ..training.phases import PHASES

VALIDATION_BATCHES = 2  # enough to time validation, little enough to keep the run short


def check_trace_dir(path: str | Path) -> Path:
    """``--trace DIR``: a new or empty folder this process can write; else one line."""
    path = Path(path)
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise ConfigError(
            f"--trace {path}: it exists and is not an empty folder; choose a new folder so no "
            "earlier trace is mixed in"
        )
    parent = path if path.exists() else path.parent
    if not os.access(parent if parent.exists() else Path("."), os.W_OK):
        raise ConfigError(f"--trace {path}: {parent} cannot be written; choose another folder")
    return path


def steps_per_epoch(steps: int) -> int:
    """Each of the two epochs of a ``--breakdown STEPS`` run trains this many steps."""
    return max(steps // 2, 1)


def breakdown_config(config: TrainConfig, steps: int, batch_size: int, out: Path) -> TrainConfig:
    half = steps_per_epoch(steps)
    images = (half + VALIDATION_BATCHES) * batch_size
    return replace(
        config,
        epochs=2,
        batch_size=batch_size,
        limit_train=images,
        val_fraction=VALIDATION_BATCHES / (half + VALIDATION_BATCHES),
        limit_test=batch_size,
        out=str(out),
    ).validate()


def breakdown(
    config: TrainConfig, data, steps: int, batch_size: int, trace: str | Path | None = None
) -> dict:
    """Each epoch's phases (seconds) and its wall time, from a throwaway run."""
    from ..api import train
    from ..backends import get_backend
    from ..runs import RunDir

    if steps < 2:
        raise ConfigError(f"--breakdown {steps}: give at least 2 steps (one epoch of each kind)")
    trace_dir = check_trace_dir(trace) if trace else None
    with tempfile.TemporaryDirectory(prefix="alexnet-cifar-breakdown-") as tmp:
        run_config = breakdown_config(config, steps, batch_size, Path(tmp) / "run")
        if trace_dir is None:
            train(run_config, data=data, progress=False)
        else:
            # written next to DIR and moved into place when complete: never half a trace
            staging = Path(tempfile.mkdtemp(prefix=f".{trace_dir.name}.", dir=trace_dir.parent))
            try:
                with get_backend(config.framework).Bench.profile(staging):
                    train(run_config, data=data, progress=False)
                if trace_dir.exists():
                    trace_dir.rmdir()  # empty, checked above
                staging.rename(trace_dir)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
        epochs = RunDir(run_config.out).metrics()
    return {
        "steps": steps,
        "epochs": [{"phases": e["phases"], "wall_seconds": e["wall_seconds"]} for e in epochs],
        "trace": str(trace_dir) if trace_dir else None,
    }


def training_rate(b: dict, batch_size: int) -> float:
    """Images/s of the last epoch over its training phases (input, compute, overhead; no
    warm-up, validation or records): what the compute-only step is held against."""
    epoch = b["epochs"][-1]["phases"]
    images = steps_per_epoch(b["steps"]) * batch_size
    return images / (epoch["input"] + epoch["compute"] + epoch["overhead"])


def hold_against_step(b: dict, batch_size: int, before: float, after: float) -> None:
    """Record the trainer's rate against the compute-only step timed just before and just
    after the run (images/s): a 2-core cloud CPU drifts by 10% within a minute, so one
    measurement on either side would pass drift off as the trainer's cost."""
    b["compute_train_around"] = [before, after]
    b["training_rate"] = training_rate(b, batch_size)
    b["training_over_compute"] = b["training_rate"] / ((before + after) / 2)


def format_breakdown(b: dict) -> str:
    def line(label: str, values) -> str:
        return f"{label:<28}" + "".join(f"{v:>12.2f}" for v in values)

    epochs = b["epochs"]
    head = f"{'where an epoch goes (s)':<28}" + "".join(
        f"{'epoch ' + str(i + 1):>12}" for i in range(len(epochs))
    )
    lines = [head] + [line(p, (e["phases"][p] for e in epochs)) for p in PHASES]
    lines.append(line("whole epoch", (e["wall_seconds"] for e in epochs)))
    if "training_over_compute" in b:
        before, after = b["compute_train_around"]
        lines.append(
            f"training rate {b['training_rate']:.1f} images/s = {b['training_over_compute']:.2f}x "
            f"the compute-only step ({before:.1f} before the run, {after:.1f} after)"
        )
    if b["trace"]:
        lines.append(f"profiler trace: {b['trace']} (tensorboard --logdir {b['trace']})")
    return "\n".join(lines)
