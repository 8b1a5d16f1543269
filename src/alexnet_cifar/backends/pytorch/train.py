"""Training and evaluation in PyTorch: a plain loop over on-device batches, one atomic
checkpoint per epoch, exact resume, a NaN guard, and the shared run records."""

from __future__ import annotations

import math
import time
from typing import Callable, Iterable

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from ... import atomic
from ...config import TrainConfig
from ...data import Cifar10
from ...errors import ConfigError, TrainingDiverged
from ...config import PLATEAU_FACTOR, PLATEAU_PATIENCE
from ...experiment import (epoch_seed, epochs_without_improvement, lr_factor, make_splits, rerun_evaluation,
                           results_record, run_training, spec_for, steps_per_epoch,
                           warn_if_at_chance)
from ...preprocess import get_augmentation, get_normalization
from ...runs import RunDir
from ...weights.pretrained import fresh_names, imagenet_weights
from .model import build
from .pipeline import DeviceData

CHECKPOINT = ".pt"


def resolve_device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise ConfigError("--device cuda: no CUDA device is visible to PyTorch (a CPU-only "
                          "build, or no GPU); use --device cpu or auto")
    return torch.device(name)


def software() -> dict:
    import torchvision
    return {"torch": torch.__version__, "torchvision": torchvision.__version__,
            "cuda": torch.version.cuda, "cudnn": torch.backends.cudnn.version()}


def hardware(device: torch.device) -> dict:
    info = {"device": str(device), "torch_threads": torch.get_num_threads()}
    if device.type == "cuda":
        info["gpu"] = torch.cuda.get_device_name(device)
    return info


def param_groups(config: TrainConfig, model: nn.Module, fresh: set[str]) -> list[dict]:
    """Fine-tuning: ``fresh`` parameters (the new head) train at --lr; the pretrained backbone
    is frozen (head), at --lr (full) or at --lr x --backbone-lr-factor (discriminative)."""
    named = dict(model.named_parameters())
    head = [p for n, p in named.items() if n in fresh]
    backbone = [p for n, p in named.items() if n not in fresh]
    if config.init == "scratch" or config.finetune == "full":
        return [{"params": head + backbone}]
    if config.finetune == "head":
        if not head:
            raise ConfigError("--finetune head with the ImageNet classifier kept (1000 classes) "
                              "leaves nothing to train; use --finetune full or discriminative")
        for p in backbone:
            p.requires_grad_(False)
        return [{"params": head}]
    groups = [{"params": head}, {"params": backbone, "lr": config.lr * config.backbone_lr_factor}]
    return [g for g in groups if g["params"]]


def make_optimizer(config: TrainConfig, params) -> torch.optim.Optimizer:
    if config.optimizer == "sgd":
        return torch.optim.SGD(params, lr=config.lr, momentum=config.momentum,
                               weight_decay=config.weight_decay)
    if config.optimizer == "adam":
        return torch.optim.Adam(params, lr=config.lr, weight_decay=config.weight_decay)
    return torch.optim.AdamW(params, lr=config.lr, weight_decay=config.weight_decay)


def make_scheduler(config: TrainConfig, optimizer, steps_per_ep: int):
    total = steps_per_ep * config.epochs
    return torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: lr_factor(config.schedule, step, total, steps_per_ep,
                                          config.step_size))


class Trainer:
    """Holds one run: model, data on the device, optimizer, and the run directory."""

    def __init__(self, config: TrainConfig, run: RunDir, data: Cifar10, progress: bool = True,
                 load_pretrained: bool = True):
        self.config, self.run, self.progress = config, run, progress
        self.device = resolve_device(config.device)
        self.spec = spec_for(config)
        self.data = data
        self.splits = make_splits(config, data)
        cuda = self.device.type == "cuda"
        norm = get_normalization(config.normalization_name)
        common = dict(device=self.device, input_size=self.spec.input_size, normalization=norm,
                      channels_last=cuda)
        self.train_data = DeviceData(data.x_train[self.splits.train], data.y_train[self.splits.train],
                                     augmentation=get_augmentation(config.augment), **common)
        self.val_data = DeviceData(data.x_train[self.splits.val], data.y_train[self.splits.val],
                                   augmentation=get_augmentation("none"), **common)
        self.test_data = DeviceData(data.x_test[self.splits.test], data.y_test[self.splits.test],
                                    augmentation=get_augmentation("none"), **common)
        torch.manual_seed(config.seed)
        self.model = build(self.spec).to(self.device)
        if cuda:
            self.model = self.model.to(memory_format=torch.channels_last)
        self.forward = torch.compile(self.model) if config.compile else self.model
        self.steps = steps_per_epoch(len(self.train_data), config.batch_size)
        self.fresh = fresh_names(config, self.spec, "pytorch")
        if config.init == "imagenet" and load_pretrained:
            self._load_pretrained()
        self.optimizer = make_optimizer(config, param_groups(config, self.model, self.fresh))
        self.scheduler = make_scheduler(config, self.optimizer, self.steps)
        # PyTorch reduces once the bad epochs exceed patience, Keras once they reach it.
        self.plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(
            self.optimizer, factor=PLATEAU_FACTOR, patience=PLATEAU_PATIENCE - 1) \
            if config.schedule == "plateau" else None
        self.loss_fn = nn.CrossEntropyLoss(label_smoothing=config.label_smoothing)
        self.amp = config.amp and cuda
        self.start_epoch = 0

    def _load_pretrained(self) -> None:
        from .model import import_weights
        weights = imagenet_weights(self.config, self.spec, self.progress)
        fresh = import_weights(self.model, weights, allow_missing=True)
        assert fresh == self.fresh, (fresh, self.fresh)

    # -- checkpoints ----------------------------------------------------------------------
    def save_checkpoint(self, epochs_done: int) -> None:
        with atomic.atomic_path(self.run.checkpoint(CHECKPOINT)) as tmp:
            torch.save({"model": self.model.state_dict(), "optimizer": self.optimizer.state_dict(),
                        "scheduler": self.scheduler.state_dict(), "epochs_done": epochs_done,
                        "plateau": self.plateau.state_dict() if self.plateau else None,
                        "config": self.config.to_dict()}, tmp)

    def load_checkpoint(self) -> None:
        path = self.run.checkpoint(CHECKPOINT)
        if not path.exists():
            return  # interrupted before the first epoch ended: start over
        state = torch.load(path, map_location=self.device, weights_only=True)
        self.model.load_state_dict(state["model"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.scheduler.load_state_dict(state["scheduler"])
        if self.plateau and state.get("plateau"):
            self.plateau.load_state_dict(state["plateau"])
        self.start_epoch = state["epochs_done"]

    # -- epochs ---------------------------------------------------------------------------
    def _autocast(self):
        return torch.autocast("cuda", dtype=torch.bfloat16, enabled=self.amp)

    def train_epoch(self, epoch: int) -> dict:
        seed = epoch_seed(self.config.seed, epoch)
        torch.manual_seed(seed)  # dropout
        generator = torch.Generator().manual_seed(seed + 1)  # order and augmentation
        self.model.train()
        loss_sum = torch.zeros((), device=self.device)
        correct = torch.zeros((), device=self.device, dtype=torch.long)
        seen = 0
        bar = tqdm(self.train_data.batches(self.config.batch_size, True, generator, drop_last=True),
                   total=self.steps, desc=f"epoch {epoch + 1}/{self.config.epochs}", unit="batch",
                   disable=None if self.progress else True, leave=False)
        start = time.perf_counter()
        for step, (x, y) in enumerate(bar):
            with self._autocast():
                logits = self.forward(x)
                loss = self.loss_fn(logits.float(), y)
            self.optimizer.zero_grad(set_to_none=True)
            loss.backward()
            self.optimizer.step()
            self.scheduler.step()
            loss_sum += loss.detach() * len(y)
            correct += (logits.argmax(1) == y).sum()
            seen += len(y)
            # One host sync per 10 steps: cheap on a GPU, and a NaN stops the run quickly.
            if step % 10 == 9 or step == self.steps - 1:
                mean_loss = loss_sum.item() / seen
                if not math.isfinite(mean_loss):
                    raise TrainingDiverged(
                        f"the training loss became {mean_loss} in epoch {epoch + 1} (step "
                        f"{step + 1}); the run stopped and its last good checkpoint (after epoch "
                        f"{epoch}) is kept in {self.run.path}. Lower --lr (now {self.config.lr}), "
                        "add --batchnorm, or check the input normalization.")
                bar.set_postfix(loss=f"{mean_loss:.3f}", acc=f"{correct.item() / seen:.3f}")
        if self.device.type == "cuda":
            torch.cuda.synchronize()
        seconds = time.perf_counter() - start
        return {"train_loss": loss_sum.item() / seen, "train_accuracy": correct.item() / seen,
                "seconds": seconds, "images_per_second": seen / seconds,
                "lr": self.optimizer.param_groups[0]["lr"]}

    @torch.no_grad()
    def predict(self, data: DeviceData) -> tuple[np.ndarray, float, float]:
        """(predicted labels, mean loss, images per second)."""
        self.model.eval()
        preds, loss_sum = [], 0.0
        start = time.perf_counter()
        for x, y in data.batches(max(self.config.batch_size, 256)):
            with self._autocast():
                logits = self.forward(x).float()
            loss_sum += self.loss_fn(logits, y).item() * len(y)
            preds.append(logits.argmax(1).cpu())
        seconds = time.perf_counter() - start
        n = max(len(data), 1)
        labels = torch.cat(preds).numpy() if preds else np.array([], dtype=np.int64)
        return labels, loss_sum / n, len(data) / seconds if seconds else float("nan")

    def fit(self, callbacks: Iterable[Callable[[int, dict, nn.Module], None]] = ()) -> list[dict]:
        """Train the remaining epochs; each callback gets (epoch, record, model) after each."""
        from torch.utils.tensorboard import SummaryWriter

        self.run.truncate_metrics(self.start_epoch)
        writer = SummaryWriter(self.run.tensorboard_dir, purge_step=self.start_epoch)
        self.run.set_state("running", epochs_done=self.start_epoch)
        try:
            with self.run.guard():
                for epoch in range(self.start_epoch, self.config.epochs):
                    record = {"epoch": epoch, **self.train_epoch(epoch)}
                    if len(self.val_data):
                        val_pred, val_loss, _ = self.predict(self.val_data)
                        record["val_loss"] = val_loss
                        record["val_accuracy"] = float(
                            (val_pred == self.val_data.y.cpu().numpy()).mean())
                    else:
                        record["val_loss"] = record["val_accuracy"] = None
                    if self.plateau:
                        self.plateau.step(record["val_loss"])
                    self.save_checkpoint(epoch + 1)
                    self.run.append_epoch(record)
                    warn_if_at_chance(self.config, record)
                    for k, v in record.items():
                        if k != "epoch" and v is not None:
                            writer.add_scalar(k, v, epoch + 1)
                    writer.flush()
                    self.run.set_state("running", epochs_done=epoch + 1)
                    for cb in callbacks:
                        cb(epoch, record, self.model)
                    patience = self.config.early_stopping
                    if patience and epochs_without_improvement(self.run.metrics()) >= patience:
                        break  # early stopping: evaluate what was trained so far
        finally:
            writer.close()
        return self.run.metrics()

    def evaluate(self) -> dict:
        preds, _, ips = self.predict(self.test_data)
        results = results_record(self.config, self.spec, self.data, self.splits, preds,
                                 self.run.metrics(), ips, software(), hardware(self.device))
        self.run.write_results(results)
        self.run.set_state("completed", epochs_done=len(self.run.metrics()))
        return results


def train(config: TrainConfig, data: Cifar10 | None = None, *, resume: bool = False,
          progress: bool = True, callbacks=()) -> dict:
    """Train (or continue) the run in ``config.out`` and evaluate it on the test set."""
    return run_training(Trainer, CHECKPOINT, config, data, resume=resume, progress=progress,
                        callbacks=callbacks)


def evaluate(run_dir, data: Cifar10 | None = None, progress: bool = True) -> dict:
    """Re-evaluate a run's last checkpoint on its test images; rewrites results.json."""
    return rerun_evaluation(Trainer, CHECKPOINT, run_dir, data, progress)
