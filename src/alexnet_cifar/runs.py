"""The run directory, the unit of truth: config.json, metrics.jsonl (one line per epoch),
results.json, state.json, checkpoints and TensorBoard events. Every write is atomic."""

from __future__ import annotations

import json
import os
import platform
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from . import atomic
from .config import TrainConfig
from .errors import ConfigError, TrainingDiverged
from .version import __version__


class RunDir:
    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)

    config_file = property(lambda self: self.path / "config.json")
    metrics_file = property(lambda self: self.path / "metrics.jsonl")
    results_file = property(lambda self: self.path / "results.json")
    state_file = property(lambda self: self.path / "state.json")
    tensorboard_dir = property(lambda self: self.path / "tensorboard")

    def checkpoint(self, suffix: str) -> Path:
        return self.path / f"checkpoint{suffix}"

    @classmethod
    def create(cls, path: str | os.PathLike, config: TrainConfig) -> RunDir:
        run = cls(path)
        if run.config_file.exists():
            raise ConfigError(
                f"{run.path} already holds a run; continue it with "
                f"--resume {run.path}, or choose another --out"
            )
        run.path.mkdir(parents=True, exist_ok=True)
        atomic.write_json(run.config_file, config.to_dict())
        run.set_state("created")
        return run

    @classmethod
    def open(cls, path: str | os.PathLike) -> RunDir:
        run = cls(path)
        if not run.config_file.exists():
            raise ConfigError(
                f"{run.path}: not a run directory (no config.json); pass the --out "
                "folder of an earlier `alexnet-cifar train`"
            )
        return run

    def config(self) -> TrainConfig:
        return TrainConfig.load(self.config_file)

    def save_config(self, config: TrainConfig) -> None:
        atomic.write_json(self.config_file, config.to_dict())

    # -- per-epoch records ---------------------------------------------------------------
    def metrics(self) -> list[dict]:
        if not self.metrics_file.exists():
            return []
        return [json.loads(line) for line in self.metrics_file.read_text().splitlines() if line]

    def append_epoch(self, record: dict) -> None:
        atomic.append_jsonl(self.metrics_file, record)

    def truncate_metrics(self, epochs: int) -> None:
        """Keep the first ``epochs`` lines: what a resumed run recomputes must not be doubled."""
        kept = [r for r in self.metrics() if r["epoch"] < epochs]
        atomic.write_text(self.metrics_file, "".join(json.dumps(r) + "\n" for r in kept))

    # -- state and results ---------------------------------------------------------------
    def set_state(self, status: str, **extra: Any) -> None:
        atomic.write_json(self.state_file, {"status": status, **extra})

    @contextmanager
    def guard(self):
        """Around the epochs: a Ctrl-C or a diverged loss is recorded in state.json, and the
        user is told how to continue; finished epochs stay checkpointed."""
        try:
            yield
        except KeyboardInterrupt:
            done = len(self.metrics())
            self.set_state("interrupted", epochs_done=done)
            raise KeyboardInterrupt(
                f"interrupted; {done} finished epoch(s) are checkpointed in {self.path}; "
                f"continue with: alexnet-cifar train --resume {self.path}"
            ) from None
        except TrainingDiverged:
            self.set_state("diverged", epochs_done=len(self.metrics()))
            raise

    def write_results(self, results: dict) -> None:
        atomic.write_json(self.results_file, results)

    def results(self) -> dict:
        return json.loads(self.results_file.read_text())


def environment(extra: dict | None = None) -> dict:
    """Software and hardware facts recorded with every result."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {
        "alexnet_cifar": __version__,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpu": cpu,
        "cpu_count": os.cpu_count(),
        **(extra or {}),
    }
