"""The PyTorch calls of the trainer skeleton (training/trainer.py): a plain loop over
on-device batches, reseeded every epoch, so a resumed run ends with exactly the weights of an
uninterrupted one on the CPU."""

from __future__ import annotations

import time
from contextlib import AbstractContextManager
from pathlib import Path

import numpy as np
import torch
from torch import nn

from ...training.plan import epoch_seed
from ...training.progress import EpochProgress
from ...training.trainer import Trainer as TrainerBase
from ...training.trainer import images_per_second
from .device import CHANNELS_LAST, device_scope, hardware, resolve_device, software
from .distributed import all_sum, data_parallel, join_world, leave_world, world_devices
from .model import build, import_weights, save_torch
from .optim import WeightAverage, make_optimizer, make_schedule
from .pipeline import Pipeline
from .precision import Precision


class Trainer(TrainerBase):
    checkpoint_suffix = ".pt"

    @classmethod
    def device_scope(cls, config) -> AbstractContextManager:
        return device_scope(config)

    def build(self) -> None:
        config = self.config
        self.device = resolve_device(config.device)
        if self.world.size > 1:
            self.device = join_world(self.world, self.device, config)
        self.precision = Precision(config.precision, self.device)
        self.pipelines = self.input_pipelines(
            lambda x, y, aug, norm: Pipeline(
                x, y, self.device, self.spec.input_size, norm, aug, channels_last=CHANNELS_LAST
            )
        )
        self.devices = world_devices(self.device)
        self.model = build(self.spec, config.seed).to(self.device)
        if CHANNELS_LAST:
            self.model = self.model.to(memory_format=torch.channels_last)
        if self.world.size > 1:
            self.model, ddp = data_parallel(self.model, self.device, config.sync_bn)
        # evaluation runs the bare model: DDP's forward would sync buffers across ranks
        self.eval_forward = torch.compile(self.model) if config.compile else self.model
        self.forward = self.eval_forward
        if self.world.size > 1:
            self.forward = torch.compile(ddp) if config.compile else ddp
        self.loss_fn = nn.CrossEntropyLoss(label_smoothing=config.label_smoothing)
        self.lr_scale = 1.0

    def load_weights(self, weights: dict) -> None:
        import_weights(self.model, weights, self.fresh)

    def weight_names(self) -> list[str]:
        return [name for name, _ in self.model.named_parameters()]

    def build_optimizer(self) -> None:
        self.optimizer = make_optimizer(
            self.config,
            self.model,
            self.finetune,
            self.decay,
            self.config.lr,
            loss_scaled=self.precision.scaler.is_enabled(),
        )
        self.scheduler = make_schedule(
            self.optimizer, lambda step: self.lr_at(step) * self.lr_scale
        )
        # BatchNorm layers --finetune head freezes keep their statistics too, as Keras' frozen
        # layers do (a frozen Keras BatchNormalization runs in inference mode)
        self.frozen_norms = [
            m
            for m in self.model.modules()
            if isinstance(m, nn.modules.batchnorm._BatchNorm)
            and not any(p.requires_grad for p in m.parameters())
        ]
        if self.ema_decays is not None:
            trained = [p for p in self.model.parameters() if p.requires_grad]
            self.average = WeightAverage(trained, self.ema_decays)

    def set_lr_scale(self, scale: float) -> None:
        self.lr_scale = scale
        step = self.scheduler.last_epoch
        for group, base in zip(self.optimizer.param_groups, self.scheduler.base_lrs):
            group["lr"] = base * self.lr_at(step) * scale

    def current_lr(self) -> float:
        return self.optimizer.param_groups[0]["lr"]

    def steps_taken(self) -> int:
        return self.scheduler.last_epoch

    def write_checkpoint(self, path: Path, epochs_done: int) -> None:
        save_torch(
            {
                "model": self.model.state_dict(),
                "optimizer": self.optimizer.state_dict(),
                "scheduler": self.scheduler.state_dict(),
                "scaler": self.precision.scaler.state_dict(),
                "epochs_done": epochs_done,
                "config": self.config.to_dict(),
                "average": None if self.average is None else self.average.average,
            },
            path,
        )

    def read_checkpoint(self, path: Path) -> int:
        state = torch.load(path, map_location=self.device, weights_only=True)
        self.model.load_state_dict(state["model"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.scheduler.load_state_dict(state["scheduler"])
        if state.get("scaler"):
            self.precision.scaler.load_state_dict(state["scaler"])
        if self.average is not None and state.get("average") is not None:
            self.average.load(state["average"])
        return state["epochs_done"]

    def train_step(self, x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """One optimizer step on a batch: (the batch's data loss, its logits), not synced."""
        with self.precision.autocast():
            logits = self.forward(x)
            loss = self.loss_fn(logits.float(), y)
        self.optimizer.zero_grad(set_to_none=True)
        if self.world.size > 1:  # DDP averages over ranks: weigh by this rank's share
            taken = self.precision.backward_step(
                loss * self.world.grad_weight(len(y), self.config.batch_size), self.optimizer
            )
        else:
            taken = self.precision.backward_step(loss, self.optimizer)
        if taken:  # a step fp16 loss scaling skipped counts for neither (training/precision.py)
            if self.average is not None:
                self.average.update(self.scheduler.last_epoch)  # steps before this one
            self.scheduler.step()
        return loss.detach(), logits

    def train_epoch(self, epoch: int, progress: EpochProgress) -> dict:
        torch.manual_seed(epoch_seed(self.config.seed, epoch))  # dropout
        self.model.train()
        for norm in self.frozen_norms:  # as Keras runs a layer it does not train
            norm.eval()
        loss_sum = torch.zeros((), device=self.device)
        correct = torch.zeros((), device=self.device, dtype=torch.long)
        seen = 0
        batches = self.pipelines["train"].epoch(
            self.config.batch_size,
            self.config.seed,
            epoch,
            self.steps,
            self.world.part(self.config.batch_size),
        )
        timer = self.step_timer
        batches = iter(batches)
        timer.window_begin()
        for step in range(self.steps):
            waited = time.perf_counter()
            x, y = next(batches)
            timer.add_input(time.perf_counter() - waited)
            loss, logits = self.train_step(x, y)
            loss_sum += loss * len(y)
            correct += (logits.argmax(1) == y).sum()
            seen += len(y)
            if progress.due(step):
                progress.update(step, *self._running(loss_sum, correct, seen))  # a host sync
                timer.window_end(step + 1)
            else:
                progress.update(step)
        if self.device.type == "cuda":
            torch.cuda.synchronize()
        loss, accuracy = self._running(loss_sum, correct, seen)
        return {"train_loss": loss, "train_accuracy": accuracy}

    def _running(self, loss_sum, correct, seen: int) -> tuple[float, float]:
        """Mean loss and accuracy so far, over every rank's images (one host sync)."""
        count = torch.tensor(seen, device=loss_sum.device)
        loss_sum, correct, seen = all_sum([loss_sum, correct, count])
        return loss_sum / seen, correct / seen

    def is_peer_failure(self, exc: BaseException) -> bool:
        return isinstance(exc, torch.distributed.DistError)

    def is_out_of_memory(self, exc: BaseException) -> bool:
        return isinstance(exc, torch.OutOfMemoryError)

    def fits(self, batch: int) -> bool:
        size = self.spec.input_size
        x = torch.zeros((batch, 3, size, size), device=self.device)
        if CHANNELS_LAST:
            x = x.to(memory_format=torch.channels_last)
        y = torch.zeros(batch, dtype=torch.long, device=self.device)
        try:
            self.train_step(x, y)
            return True
        except torch.OutOfMemoryError:
            return False
        finally:
            del x, y
            self.optimizer.zero_grad(set_to_none=True)
            if self.device.type == "cuda":
                torch.cuda.empty_cache()

    @torch.no_grad()
    def predict_logits(self, split: str, mirror: bool = False) -> tuple[np.ndarray, float]:
        self.model.eval()
        data, out = self.pipelines[split], []
        start = time.perf_counter()
        for x, _ in data.evaluation(max(self.config.batch_size, 256), mirror):
            with self.precision.autocast():
                out.append(self.eval_forward(x).float().cpu())
        seconds = time.perf_counter() - start
        logits = torch.cat(out).numpy() if out else np.zeros((0, self.spec.num_classes), np.float32)
        return logits, images_per_second(len(data), seconds)

    def software(self) -> dict:
        return software()

    def hardware(self) -> dict:
        return {**hardware(self.device), "world_size": self.world.size, "devices": self.devices}

    def finish(self) -> None:
        if self.world.size > 1:
            leave_world()
