"""The run directory, the unit of truth: config.json, metrics.jsonl (one line per epoch),
results.json, state.json, checkpoints and TensorBoard events. Every write is atomic."""

from __future__ import annotations

import fcntl
import json
import os
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .config import TrainConfig
from .errors import ConfigError, OutOfMemory, TrainingDiverged, WorkerLost
from .records import EpochRecord, Results
from .system import atomic


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

    # what a run writes: a folder holding any of these holds a run, config.json or not
    RUN_FILES = ("config.json", "metrics.jsonl", "results.json", "state.json", "tensorboard")

    def leftovers(self) -> list[str]:
        """The run files in this folder (checkpoints included)."""
        if not self.path.is_dir():
            return []
        return sorted(
            p.name
            for p in self.path.iterdir()
            if p.name in self.RUN_FILES or p.name.startswith("checkpoint")
        )

    @classmethod
    def create(cls, path: str | os.PathLike, config: TrainConfig) -> RunDir:
        run = cls(path)
        if run.config_file.exists():
            raise ConfigError(
                f"{run.path} already holds a run; continue it with "
                f"--resume {run.path}, or choose another --out"
            )
        if run.leftovers():
            raise ConfigError(
                f"{run.path} holds run files ({', '.join(run.leftovers())}) but no config.json; "
                "choose another --out, or delete them first"
            )
        if run.path.exists() and not run.path.is_dir():
            raise ConfigError(f"--out {run.path} is a file; give a folder for the run")
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
    def metrics(self) -> list[EpochRecord]:
        """The epoch records. A last line cut short (a crash mid-write) is dropped from the
        file, with a warning; a damaged line before it is an error naming the file."""
        if not self.metrics_file.exists():
            return []
        records, cut = read_jsonl(self.metrics_file)
        if cut:
            atomic.write_text(self.metrics_file, "".join(json.dumps(r) + "\n" for r in records))
            warnings.warn(
                f"{self.metrics_file}: its last line was cut short (a crash while writing "
                "it); dropped it, that epoch will be trained again",
                stacklevel=2,
            )
        return records

    def append_epoch(self, record: EpochRecord) -> None:
        atomic.append_jsonl(self.metrics_file, record)

    def truncate_metrics(self, epochs: int) -> None:
        """Keep the first ``epochs`` lines: what a resumed run recomputes must not be doubled."""
        kept = [r for r in self.metrics() if r["epoch"] < epochs]
        atomic.write_text(self.metrics_file, "".join(json.dumps(r) + "\n" for r in kept))

    def check_records_match(self, epochs_done: int, checkpoint: Path) -> None:
        """A resumed run's records must hold exactly the epochs its checkpoint holds (one more
        is a crash between the record and the checkpoint: that epoch is trained again). Any
        other difference means one of the two files was damaged or replaced: training on would
        finish a run with a hole in its records, so nothing is trained."""
        held = [r.get("epoch") for r in self.metrics()]
        if held in (list(range(epochs_done)), list(range(epochs_done + 1))):
            return
        listed = ", ".join(str(e + 1) if isinstance(e, int) else "?" for e in held) or "none"
        raise ConfigError(
            f"{self.metrics_file} records epochs {listed}, but {checkpoint} holds epochs "
            f"1-{epochs_done}: the two disagree, so the run was left as it is. Restore "
            f"{self.metrics_file.name} from a backup, or delete {checkpoint.name} to train "
            "this run again from epoch 1, or start a new run with another --out"
        )

    # -- state and results ---------------------------------------------------------------
    def set_state(self, status: str, **extra: Any) -> None:
        atomic.write_json(self.state_file, {"status": status, **extra})

    def state(self) -> dict:
        return read_json(self.state_file) if self.state_file.exists() else {}

    @contextmanager
    def lock(self):
        """Held while a process trains or evaluates this run: a second one is refused instead
        of doubling the records. The kernel drops the lock when the holder dies."""
        self.path.mkdir(parents=True, exist_ok=True)
        with open(self.path / ".lock", "a+") as f:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                f.seek(0)
                holder = f.read().strip() or "?"
                raise ConfigError(
                    f"{self.path} is in use by another alexnet-cifar process (pid {holder}); "
                    "wait for it to finish, or stop it, then try again"
                ) from None
            f.seek(0)
            f.truncate()
            f.write(str(os.getpid()))
            f.flush()
            try:
                yield
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)

    @contextmanager
    def guard(self):
        """Around the epochs: a Ctrl-C or a diverged loss is recorded in state.json, and the
        user is told how to continue; finished epochs stay checkpointed."""
        try:
            yield
        except KeyboardInterrupt as exc:  # Ctrl-C, or Terminated (SIGTERM)
            done = len(self.metrics())
            self.set_state("interrupted", epochs_done=done)
            raise type(exc)(
                f"interrupted; {done} finished epoch(s) are checkpointed in {self.path}; "
                f"continue with: alexnet-cifar train --resume {self.path}"
            ) from None
        except TrainingDiverged:
            self.set_state("diverged", epochs_done=len(self.metrics()))
            raise
        except WorkerLost as exc:
            self.set_state("interrupted", epochs_done=len(self.metrics()), error=str(exc))
            raise
        except OutOfMemory as exc:
            self.set_state("failed", epochs_done=len(self.metrics()), error=str(exc))
            raise
        except OSError as exc:  # a full disk or a folder gone read-only mid-run
            try:
                self.set_state("failed", epochs_done=len(self.metrics()), error=str(exc))
            except OSError:
                pass  # the same full disk: state.json keeps its last value
            raise

    def write_results(self, results: Results) -> None:
        atomic.write_json(self.results_file, results)

    def results(self) -> Results:
        return read_json(self.results_file)


class FollowerRun(RunDir):
    """The run as a data-parallel rank other than 0 sees it: it reads what is there (a resumed
    run's config, checkpoint and records, on storage every rank mounts) and writes nothing;
    its epoch records stay in memory, so it takes the plateau and early-stopping decisions
    rank 0 takes, without waiting for rank 0's files."""

    def __init__(self, path: str | os.PathLike):
        super().__init__(path)
        self._records = read_jsonl(self.metrics_file)[0] if self.metrics_file.exists() else []

    def metrics(self) -> list[EpochRecord]:
        return list(self._records)

    def append_epoch(self, record: EpochRecord) -> None:
        self._records.append(record)

    def truncate_metrics(self, epochs: int) -> None:
        self._records = [r for r in self._records if r["epoch"] < epochs]

    def set_state(self, status: str, **extra: Any) -> None:
        pass

    def save_config(self, config: TrainConfig) -> None:
        pass

    def write_results(self, results: Results) -> None:
        pass

    @contextmanager
    def lock(self):
        yield  # rank 0 holds the run's lock for the whole world


def read_json(path: Path) -> Any:
    try:
        return json.loads(Path(path).read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigError(
            f"{path}: cannot be read ({exc}); it was cut or damaged: restore it, or re-create "
            "it (`evaluate` rewrites results.json)"
        ) from exc


def read_jsonl(path: Path) -> tuple[list[dict], bool]:
    """(the records of a JSON-lines file, whether its last line was cut short)."""
    lines = Path(path).read_text().splitlines()
    records = []
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            if i == len(lines) - 1:
                return records, True
            raise ConfigError(
                f"{path}: line {i + 1} is damaged (not JSON); restore the file or delete that line"
            ) from None
    return records, False
