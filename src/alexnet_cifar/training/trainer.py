"""The trainer skeleton both backends run: the epoch loop, validation, the records, checkpoints
and resume, the plateau and early-stopping rules, the NaN stop and the TensorBoard log are
written here once; a backend supplies only the framework calls (the abstract methods)."""

from __future__ import annotations

import math
import os
import sys
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from tqdm.auto import tqdm

from ..arch import spec_for
from ..config import PRECISIONS, TrainConfig
from ..data import Cifar10, make_splits
from ..data.split import Splits
from ..errors import ConfigError, OutOfMemory, TrainingDiverged, WorkerLost
from ..metrics import cross_entropy
from ..preprocess import get_augmentation, get_normalization
from ..records import EpochRecord, Results
from ..runs import RunDir
from ..system import atomic
from ..system.cpu_share import OthersShare
from ..weights.registry import new_names
from .chance import warn_if_at_chance
from .distributed import World
from .ema import ema_decays
from .finetune import finetune_plan
from .memory import largest_fitting_batch, out_of_memory_message
from .optim import decay_rule
from .phases import StepTimer
from .plan import steps_per_epoch
from .progress import EpochProgress, NonFiniteLoss, epoch_line
from .records import results_record
from .schedule import epochs_without_improvement, lr_curve, lr_scale
from .tensorboard import ScalarLog

RESOLVED_PRECISIONS = tuple(p for p in PRECISIONS if p != "auto")

EpochCallback = Callable[[int, dict, Any], None]  # (epoch, record, model) after each epoch


def images_per_second(count: int, seconds: float) -> float:
    """``count`` images in ``seconds``; NaN where the clock saw no time pass (a tiny split)."""
    return count / seconds if seconds > 0 else float("nan")


class Trainer(ABC):
    """One run: the model, its data and optimizer, and the run directory it records into."""

    checkpoint_suffix: ClassVar[str]  # the checkpoint file is RUN_DIR/checkpoint<suffix>
    write_suffix: ClassVar[str] = ""  # for writers that append their own extension

    def __init__(
        self,
        config: TrainConfig,
        run: RunDir,
        data: Cifar10,
        progress: bool = True,
        pretrained: dict | None = None,
        world: World | None = None,
        splits: Splits | None = None,
        machine_speed: float | None = None,
    ):
        """``config.precision`` resolved already (not ``auto``: the engine resolves it).
        ``pretrained``: ImageNet weights in this framework's layout, without the layers that
        start fresh (``self.fresh``). ``world``: this process's rank in a data-parallel run.
        ``splits``: the engine's make_splits(config, data), made here if not given.
        ``machine_speed``: the engine's probe of the machine before training, recorded with
        every epoch this process trains."""
        if config.precision not in RESOLVED_PRECISIONS:
            raise ValueError(f"a trainer needs a resolved precision, not {config.precision!r}")
        self.config, self.run, self.data = config, run, data
        self.machine_speed = machine_speed
        self.world = world or World()
        self.progress = progress and self.world.chief
        self.spec = spec_for(config)
        self.splits = splits if splits is not None else make_splits(config, data)
        self.steps = steps_per_epoch(len(self.splits.train), config.batch_size)
        # the schedule's multiplier of the base learning rate at an optimizer step
        self.lr_at = lr_curve(config.schedule, config.epochs, self.steps, config.step_size)
        self.fresh = new_names(config.pretrained, self.spec, config.framework)
        self.decay = decay_rule(config.optimizer, config.weight_decay, config.decay_on)
        self.start_epoch = 0
        self.step_timer = StepTimer()  # the epoch's; training/phases.py
        self.warm = False  # whether this process has trained an epoch (its warm-up is paid)
        self.build()
        if config.init_from and pretrained is not None:
            # a start from another task keeps every layer but those it lacks: the last one
            # where its number of classes differs (weights/init_from.py)
            self.fresh = {n for n in self.weight_names() if n not in pretrained}
        if pretrained is not None:
            self.load_weights(pretrained)
        self.finetune = finetune_plan(config, self.weight_names(), self.fresh)
        # --ema: training/ema.py's decay per optimizer step (one past the last: a resumed
        # run extended with more epochs gets a longer table)
        self.ema_decays = (
            ema_decays(config.ema, self.steps * config.epochs + 1) if config.ema else None
        )
        self.build_optimizer()

    # -- what a backend supplies -----------------------------------------------------------
    @classmethod
    def device_scope(cls, config: TrainConfig) -> AbstractContextManager:
        """Entered around the trainer's whole life (Keras places its variables with it)."""
        return nullcontext()

    @abstractmethod
    def build(self) -> None:
        """Device, input pipelines and ``self.model``, seeded by ``config.seed``."""

    @abstractmethod
    def load_weights(self, weights: dict) -> None:
        """Copy pretrained weights into the model; only ``self.fresh`` may be missing."""

    @abstractmethod
    def weight_names(self) -> list[str]:
        """The names ``self.fresh`` uses, in model order: parameters or weighted layers."""

    @abstractmethod
    def build_optimizer(self) -> None:
        """Optimizer following ``lr_at`` per step, over the weights as ``self.finetune``
        (training/finetune.py) splits them."""

    @abstractmethod
    def train_epoch(self, epoch: int, progress: EpochProgress) -> dict:
        """One epoch of ``self.steps`` steps; report each to ``progress``. Returns the mean
        ``train_loss`` and ``train_accuracy``; raises NonFiniteLoss on a NaN."""

    @abstractmethod
    def predict_logits(self, split: str, mirror: bool = False) -> tuple[np.ndarray, float]:
        """(float logits (N, classes), images per second) of the ``val`` or ``test`` images,
        each mirrored left to right first where ``mirror``."""

    # --ema: the backend's optim.WeightAverage, made with the optimizer
    average: Any = None

    def averaged_weights(self) -> AbstractContextManager:
        """Within it the model holds --ema's averaged weights (training/ema.py), the live ones
        again after."""
        return nullcontext() if self.average is None else self.average.swapped_in()

    def evaluation_logits(self, split: str) -> tuple[np.ndarray, float]:
        """What validation and the test evaluate: the averaged weights under --ema."""
        with self.averaged_weights():
            return self.predict_logits(split)

    @abstractmethod
    def current_lr(self) -> float:
        """The learning rate of the next step (of the head, where there are two)."""

    @abstractmethod
    def steps_taken(self) -> int:
        """Optimizer steps taken so far: the schedule's position (an fp16 step that loss
        scaling skipped does not count, training/precision.py)."""

    @abstractmethod
    def set_lr_scale(self, scale: float) -> None:
        """Multiply the scheduled learning rate by ``scale`` from the next step on."""

    @abstractmethod
    def write_checkpoint(self, path: Path, epochs_done: int) -> None:
        """Model, optimizer and schedule state into ``path`` (a temporary file)."""

    @abstractmethod
    def read_checkpoint(self, path: Path) -> int:
        """Restore what write_checkpoint wrote; returns the epochs done."""

    def is_peer_failure(self, exc: BaseException) -> bool:
        """Whether ``exc`` is this framework's error for a lost peer process."""
        return False

    def is_out_of_memory(self, exc: BaseException) -> bool:
        """Whether ``exc`` is this framework's device out-of-memory error."""
        return False

    def fits(self, batch: int) -> bool:
        """Whether one training step of ``batch`` images fits in device memory (it may change
        the weights: called only when the run stops)."""
        raise NotImplementedError

    def finish(self) -> None:  # noqa: B027 (an optional hook, not an abstract one)
        """Called once the trainer is done, whatever happened (leave a process group)."""

    def device_name(self) -> str:
        return str(self.hardware().get("gpu") or "the CPU")

    @abstractmethod
    def software(self) -> dict: ...

    @abstractmethod
    def hardware(self) -> dict: ...

    # -- shared ----------------------------------------------------------------------------
    def input_pipelines(self, make: Callable[[np.ndarray, np.ndarray, Any, Any], Any]) -> dict:
        """``make(images, labels, augmentation, normalization)`` for each split; only the
        training images are augmented."""
        norm = get_normalization(self.config.normalization_name)
        augment = {
            "train": get_augmentation(self.config.augment, self.config.cutout),
            "val": get_augmentation("none"),
            "test": get_augmentation("none"),
        }
        return {
            split: make(self.images(split), self.labels(split), aug, norm)
            for split, aug in augment.items()
        }

    def labels(self, split: str) -> np.ndarray:
        return (
            self.data.y_test[self.splits.test]
            if split == "test"
            else self.data.y_train[getattr(self.splits, split)]
        )

    def images(self, split: str) -> np.ndarray:
        return (
            self.data.x_test[self.splits.test]
            if split == "test"
            else self.data.x_train[getattr(self.splits, split)]
        )

    @property
    def checkpoint_path(self) -> Path:
        return self.run.checkpoint(self.checkpoint_suffix)

    def save_checkpoint(self, epochs_done: int, then: Callable[[], None] | None = None) -> None:
        """Write the checkpoint (rank 0); ``then`` runs once its temporary file is written,
        before it takes the checkpoint's place."""
        if not self.world.chief:
            if then:
                then()
            return
        with atomic.atomic_path(self.checkpoint_path, suffix=self.write_suffix) as tmp:
            self.write_checkpoint(tmp, epochs_done)
            if then:
                then()

    def load_checkpoint(self) -> None:
        """Continue from the last checkpoint; none yet (stopped in epoch 1): start over."""
        if not self.checkpoint_path.exists():
            return
        try:
            self.start_epoch = self.read_checkpoint(self.checkpoint_path)
        except Exception as exc:  # each framework raises its own kinds on a damaged file
            raise ConfigError(
                f"{self.checkpoint_path}: the checkpoint cannot be read ({type(exc).__name__}: "
                f"{str(exc).splitlines()[0] if str(exc) else 'damaged'}); it was cut or damaged. "
                "Delete it to train this run again from epoch 1"
            ) from None
        self.run.check_records_match(self.start_epoch, self.checkpoint_path)

    def fit(self, callbacks: Iterable[EpochCallback] = ()) -> list[EpochRecord]:
        """Train the remaining epochs, recording each; returns every epoch's record."""
        self.run.truncate_metrics(self.start_epoch)
        self.set_lr_scale(lr_scale(self.config.schedule, self.run.metrics()))
        purge = self.start_epoch + 1 if self.start_epoch else None
        log = _NoLog()
        self.run.set_state("running", epochs_done=self.start_epoch)
        walls = []  # each epoch's wall time with validation, for the estimate of what is left
        try:
            with self.run.guard():
                if self.world.chief:
                    log = ScalarLog(self.run.tensorboard_dir, purge)
                for epoch in range(self.start_epoch, self.config.epochs):
                    start = time.perf_counter()
                    record = self._guarded_epoch(epoch)
                    writing = time.perf_counter()
                    # the record lands before the checkpoint: a crash between them leaves a
                    # record that --resume drops (it resumes from the checkpoint before), never
                    # a checkpoint whose epoch has no record. The checkpoint is written first to
                    # a temporary file, so the record can carry the time it took.
                    self.save_checkpoint(
                        epoch + 1, then=partial(self._write_record, log, record, start, writing)
                    )
                    walls.append(record["wall_seconds"])
                    if self.world.chief:
                        warn_if_at_chance(self.config, record)
                    if self.progress:
                        left = np.mean(walls) * (self.config.epochs - epoch - 1)
                        self._say(epoch_line(record, self.config.epochs, left))
                    self.run.set_state("running", epochs_done=epoch + 1)
                    records = self.run.metrics()
                    self.set_lr_scale(lr_scale(self.config.schedule, records))
                    for cb in callbacks:
                        cb(epoch, record, self.model)
                    patience = self.config.early_stopping
                    if patience and epochs_without_improvement(records) >= patience:
                        break  # early stopping: evaluate what was trained so far
        finally:
            log.close()
        return self.run.metrics()

    def _write_record(self, log, record: EpochRecord, start: float, writing: float) -> None:
        """The epoch's TensorBoard scalars and metrics line, with the time the records took
        (the checkpoint's temporary file included) and the epoch's whole wall time."""
        log.add(record["epoch"] + 1, scalars(record))
        record["phases"]["records"] = time.perf_counter() - writing
        record["wall_seconds"] = time.perf_counter() - start
        self.run.append_epoch(record)

    @staticmethod
    def _say(line: str) -> None:
        """A line on standard output, between progress bars, in order with what was printed
        before it (flushed: a log file's stdout is buffered)."""
        tqdm.write(line, file=sys.stdout)
        sys.stdout.flush()

    def _guarded_epoch(self, epoch: int) -> EpochRecord:
        """One epoch. Out of device memory: one line that names the batch size that fits;
        another process of a data-parallel run gone: one line that says how to resume."""
        try:
            return self._epoch(epoch)
        except Exception as exc:
            if self.world.size > 1 and self.is_peer_failure(exc):
                raise WorkerLost(
                    f"another process of this {self.world.size}-process run stopped during "
                    f"epoch {epoch + 1} ({type(exc).__name__}); {self.run.path} keeps the "
                    f"checkpoint after epoch {epoch}: continue with any number of processes: "
                    f"alexnet-cifar train --resume {self.run.path}"
                ) from None
            if not self.is_out_of_memory(exc):
                raise
        # outside the except block: the failed step's tensors are freed before the probe
        batch = self.config.batch_size
        suggestion = largest_fitting_batch(self.fits, batch)
        kept = (
            f"the checkpoint after epoch {epoch} is kept in {self.run.path}; a resumed run "
            "keeps its batch size, so start a new run (another --out) with the smaller one"
            if epoch
            else "nothing was trained, so the same command with that --batch-size starts again"
        )
        raise OutOfMemory(out_of_memory_message(self.device_name(), batch, suggestion, kept))

    def _epoch(self, epoch: int) -> EpochRecord:
        progress = EpochProgress(epoch, self.config.epochs, self.steps, self.progress)
        lr_first, first_step = self.current_lr(), self.steps_taken()
        self.step_timer = StepTimer()
        # a data-parallel run's other ranks share the machine: they would count as others
        others = OthersShare() if self.world.size == 1 else None
        start = time.perf_counter()
        try:
            stats = self.train_epoch(epoch, progress)
            if not math.isfinite(stats["train_loss"]):
                raise NonFiniteLoss(stats["train_loss"], self.steps - 1)
        except NonFiniteLoss as exc:
            kept = (
                f"its last good checkpoint (after epoch {epoch}) is kept in {self.run.path}"
                if epoch
                else "no epoch had finished, so there is nothing to keep"
            )
            raise TrainingDiverged(
                f"the training loss became {exc.value} in epoch {epoch + 1} (step "
                f"{exc.step + 1}); the run stopped and {kept}. Lower --lr (now "
                f"{self.config.lr}), add --batchnorm, or check the input normalization."
            ) from None
        finally:
            progress.close()
        seconds = time.perf_counter() - start
        phases = self.step_timer.phases(seconds, warm_up=not self.warm)
        self.warm = True
        record: EpochRecord = {
            "epoch": epoch,
            "train_loss": float(stats["train_loss"]),
            "train_accuracy": float(stats["train_accuracy"]),
            "seconds": seconds,
            "images_per_second": images_per_second(self.steps * self.config.batch_size, seconds),
            # the rates of the epoch's first and last steps (current_lr() is now the next's)
            "lr": lr_first,
            "lr_last": self._lr_of_last_step(first_step, lr_first),
            "val_loss": None,
            "val_accuracy": None,
        }
        # the machine's state: how much of it other processes took while the epoch trained,
        # how busy it was as the epoch ended, and how fast it was when this process started
        # (a resumed run's later epochs carry their own session's probe)
        if others is not None:
            record["others_cpu"] = others.read()
        record["load_average"] = load_average()
        if self.machine_speed is not None:
            record["machine_speed"] = self.machine_speed
        start = time.perf_counter()
        if len(self.splits.val):
            logits, _ = self.evaluation_logits("val")
            labels = self.labels("val")
            record["val_loss"] = cross_entropy(logits, labels, self.config.label_smoothing)
            record["val_accuracy"] = float(np.mean(logits.argmax(1) == labels))
        # records: filled in by fit once they are written
        record["phases"] = {**phases, "validation": time.perf_counter() - start, "records": 0.0}
        return record

    def _lr_of_last_step(self, first: int, lr_first: float) -> float:
        """The curve scaled the first step's rate by lr_at(first); the same scale holds to the
        epoch's last step (the plateau rule acts between epochs)."""
        last = max(self.steps_taken() - 1, first)
        return lr_first * self.lr_at(last) / self.lr_at(first) if self.lr_at(first) else lr_first

    def evaluate(self) -> Results:
        """The model on the run's test images: writes and returns results.json (rank 0; the
        other ranks of a data-parallel run return an empty record)."""
        if not self.world.chief:
            return {}
        with self.averaged_weights():  # --ema: both views of the averaged weights
            logits, ips = self.predict_logits("test")
            views = {"single": logits}
            if self.config.tta == "flip":  # the image and its mirror, logits averaged
                views["tta"] = (logits + self.predict_logits("test", mirror=True)[0]) / 2
        results = results_record(
            config=self.config,
            spec=self.spec,
            data=self.data,
            splits=self.splits,
            predictions={view: v.argmax(1) for view, v in views.items()},
            epochs=self.run.metrics(),
            inference_ips=ips,
            software=self.software(),
            hardware=self.hardware(),
            new_layers=sorted(self.fresh),
        )
        self.run.write_results(results)
        if self.run.state().get("status") not in ("diverged", "failed"):  # not mended by this
            self.run.set_state("completed", epochs_done=len(self.run.metrics()))
        return results


def load_average() -> float | None:
    """The machine's 1-minute load average; None where the system has none (Windows)."""
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return None


def scalars(record: EpochRecord) -> dict:
    """An epoch record as TensorBoard scalars: the phases under phases/."""
    out = {k: v for k, v in record.items() if k not in ("epoch", "phases")}
    out.update({f"phases/{k}": v for k, v in (record.get("phases") or {}).items()})
    return out


class _NoLog:
    """TensorBoard on the ranks that do not write it."""

    def add(self, step: int, scalars: dict) -> None:
        pass

    def close(self) -> None:
        pass
