"""The PyTorch calls of the trainer skeleton (training/trainer.py): a plain loop over
on-device batches, reseeded every epoch, so a resumed run ends with exactly the weights of an
uninterrupted one on the CPU."""

from __future__ import annotations

import gc
import time
from contextlib import contextmanager, nullcontext
from pathlib import Path

import numpy as np
import torch
from torch import nn

from ...training.devices import use_gpu
from ...training.plan import epoch_seed
from ...training.precision import Capability, choose, cpu_capability, cuda_capability
from ...training.progress import EpochProgress
from ...training.trainer import Trainer as TrainerBase
from ...training.trainer import images_per_second
from .distributed import all_sum, data_parallel, join_world, leave_world, world_devices
from .model import Precision, build, import_weights, save_torch
from .optim import make_optimizer
from .pipeline import Pipeline


def resolve_device(name: str) -> torch.device:
    gpu = use_gpu(
        name,
        "pytorch",
        visible=torch.cuda.is_available(),
        build=f"PyTorch {torch.__version__}",
        cuda_build=torch.version.cuda is not None,
    )
    return torch.device("cuda" if gpu else "cpu")


def free_device_memory() -> None:
    """Give the blocks PyTorch's allocator caches back to the GPU after a run, so the Keras
    rows of the same study or notebook can have them."""
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        gc.collect()
        torch.cuda.empty_cache()


def capability(name: str) -> Capability:
    """What PyTorch computes in on device ``name``: fp16 with GradScaler everywhere (the CPU
    too), bf16 where the hardware has it."""
    device = resolve_device(name)
    if device.type == "cuda":
        cc = torch.cuda.get_device_capability(device)
        return cuda_capability(torch.cuda.get_device_name(device), cc)
    return cpu_capability()


# Channels-last (NHWC) memory is faster on CUDA, and on the CPU measured faster in bf16 for
# both models and in fp32 at 32 px (bench's channels_last_over_nchw: results/bench-cpu-*.json).
CHANNELS_LAST = True


def software() -> dict:
    import torchvision

    return {
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "cuda": torch.version.cuda,
        "cudnn": torch.backends.cudnn.version(),
    }


def hardware(device: torch.device) -> dict:
    info = {"device": str(device), "torch_threads": torch.get_num_threads()}
    if device.type == "cuda":
        info["gpu"] = torch.cuda.get_device_name(device)
    return info


class WeightAverage:
    """training/ema.py's average of the trained parameters, kept beside the model."""

    def __init__(self, params: list[torch.Tensor], decays: np.ndarray):
        self.params, self.decays = params, decays
        self.average = [p.detach().clone() for p in params]

    @torch.no_grad()
    def update(self, step: int) -> None:
        """After optimizer step ``step`` (counted from 0): average <- m average + (1 - m) w."""
        m = float(self.decays[min(step, len(self.decays) - 1)])
        torch._foreach_lerp_(self.average, [p.detach() for p in self.params], 1.0 - m)

    @torch.no_grad()
    def load(self, average: list[torch.Tensor]) -> None:
        for mine, saved in zip(self.average, average):
            mine.copy_(saved)

    @contextmanager
    def swapped_in(self):
        """The model holds the averaged weights within, the live ones again after."""
        with torch.no_grad():
            live = [p.detach().clone() for p in self.params]
            torch._foreach_copy_(self.params, self.average)
        try:
            yield
        finally:
            with torch.no_grad():
                torch._foreach_copy_(self.params, live)


class Trainer(TrainerBase):
    checkpoint_suffix = ".pt"

    def build(self) -> None:
        config = self.config
        self.device = resolve_device(config.device)
        if self.world.size > 1:
            self.device = join_world(self.world, self.device, config)
        self.precision = Precision(
            choose(config.precision, capability(config.device), "pytorch"), self.device
        )
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
        self.scheduler = torch.optim.lr_scheduler.LambdaLR(
            self.optimizer, lambda step: self.lr_at(step) * self.lr_scale
        )
        trained = [p for p in self.model.parameters() if p.requires_grad]
        self.average = None if self.ema_decays is None else WeightAverage(trained, self.ema_decays)

    def averaged_weights(self):
        return nullcontext() if self.average is None else self.average.swapped_in()

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
