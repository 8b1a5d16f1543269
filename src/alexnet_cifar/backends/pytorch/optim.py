"""The optimizer of a PyTorch run and what steers it: torch.optim's own, in the parameter groups
the fine-tuning plan (training/finetune.py) and the decay rule (training/optim.py) give; the
shared learning-rate curve (training/schedule.py) as a LambdaLR; and the weight average
(training/ema.py)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager

import numpy as np
import torch
from torch import nn

from ...config import TrainConfig
from ...training.finetune import FinetunePlan
from ...training.optim import ADAM_BETAS, ADAM_EPS, DecayRule


def param_groups(model: nn.Module, plan: FinetunePlan, lr: float, decay: DecayRule) -> list[dict]:
    """The head at ``lr`` (the group's default), the backbone at ``lr`` x its factor, frozen
    parameters left out; each group split by the decay its parameters get."""
    named = dict(model.named_parameters())
    for name in plan.frozen:
        named[name].requires_grad_(False)
    groups = [{"params": [named[n] for n in plan.head]}]
    if plan.backbone:
        groups.append(
            {"params": [named[n] for n in plan.backbone], "lr": lr * plan.backbone_factor}
        )
    split = []
    for group in groups:
        by_rate: dict[float, list] = {}
        for p in group["params"]:
            by_rate.setdefault(decay.rate_for(p.shape), []).append(p)
        split += [{**group, "params": ps, "weight_decay": r} for r, ps in by_rate.items()]
    return split


def make_optimizer(
    config: TrainConfig,
    model: nn.Module,
    plan: FinetunePlan,
    decay: DecayRule,
    lr: float,
    loss_scaled: bool = False,
) -> torch.optim.Optimizer:
    """``config.optimizer`` over ``model``'s parameters, at base rate ``lr`` (a LambdaLR
    scheduler applies the shared curve). ``loss_scaled`` (fp16): the per-tensor loop, whose
    step GradScaler calls only when no gradient overflowed, which is how the trainer tells a
    skipped step (a fused step is always called and skips inside the kernel)."""
    groups = param_groups(model, plan, lr, decay)
    fused = {} if loss_scaled else fused_option(model.parameters())
    if config.optimizer == "sgd":
        return torch.optim.SGD(groups, lr=lr, momentum=config.momentum, **fused)
    cls = torch.optim.Adam if config.optimizer == "adam" else torch.optim.AdamW
    return cls(groups, lr=lr, betas=ADAM_BETAS, eps=ADAM_EPS, **fused)


def make_schedule(
    optimizer: torch.optim.Optimizer, factor: Callable[[int], float]
) -> torch.optim.lr_scheduler.LambdaLR:
    """The shared per-step curve (training/schedule.py) times the plateau rule's scale, as
    ``factor(step)`` of every group's base rate."""
    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


def fused_option(parameters) -> dict:
    """torch.optim's fused kernels where the parameters live on the CPU or a CUDA GPU: one
    pass over all the weights instead of a loop of small ops per tensor, the same formula
    (equal within float32 rounding, tests/pytorch/test_optim.py). Unfused, SGD
    with momentum and decay took 167 ms a step over AlexNet's 57 M weights on a 2-core AMD
    EPYC Zen 5, fused 10 ms; on CUDA torch's own default is the multi-tensor path."""
    devices = {p.device.type for p in parameters}
    return {"fused": True} if devices and devices <= {"cpu", "cuda"} else {}


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
