"""Which weights a run trains, and at which rate, decided once for both frameworks: from
scratch, and with ``--finetune full``, everything at --lr; with ``head``, only the new layers
(the backbone frozen); with ``discriminative``, the new layers at --lr and the pretrained
backbone at --lr x --backbone-lr-factor."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..config import TrainConfig


@dataclass(frozen=True)
class FinetunePlan:
    head: list[str]  # trained at --lr (everything, from scratch or with --finetune full)
    backbone: list[str]  # trained at --lr x --backbone-lr-factor
    frozen: list[str]  # not trained
    backbone_factor: float


def finetune_plan(config: TrainConfig, names: Iterable[str], fresh: Iterable[str]) -> FinetunePlan:
    """``names``: the model's parameters (PyTorch) or weighted layers (Keras), in model order;
    ``fresh``: those that start new (the head)."""
    names, fresh = list(names), set(fresh)
    new = [n for n in names if n in fresh]
    pretrained = [n for n in names if n not in fresh]
    # from random weights, or from a start that replaced no layer (a shared initialisation, a
    # run of the same task): every weight trains alike
    if (config.init == "scratch" and not new) or config.finetune == "full":
        return FinetunePlan(new + pretrained, [], [], 1.0)
    if config.finetune == "head":
        return FinetunePlan(new, [], pretrained, 1.0)
    return FinetunePlan(new, pretrained, [], config.backbone_lr_factor)
