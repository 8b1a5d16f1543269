"""The optimizer rules both backends apply, decided once: which parameters decay and how. The
update formulas are PyTorch's (torch.optim.SGD, Adam, AdamW); the Keras backend implements the
same formulas (backends/keras/optim.py) instead of Keras' own, which differ in three places:
Keras' SGD folds the learning rate into the momentum buffer, Keras' Adam puts epsilon outside
the bias correction (and defaults to 1e-7), and Keras has no coupled weight decay (an L2 term
in the loss would change what ``train_loss`` means)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# PyTorch's defaults, which the Keras backend copies
ADAM_BETAS, ADAM_EPS = (0.9, 0.999), 1e-8


@dataclass(frozen=True)
class DecayRule:
    """``rate``: the weight decay. ``coupled``: added to the gradient as ``rate * w`` before
    momentum (SGD, Adam), else ``w *= 1 - lr * rate`` before the step (AdamW). ``decay_on``
    (--decay-on): "all" decays every parameter (PyTorch's default); "weights" only conv and
    linear kernels, i.e. tensors of more than one dimension, and no bias or BatchNorm one."""

    rate: float
    coupled: bool
    decay_on: str = "all"

    def rate_for(self, shape: Sequence[int]) -> float:
        """The decay of a parameter of this shape (the same in both frameworks' layouts)."""
        if self.decay_on == "weights" and len(shape) <= 1:
            return 0.0
        return self.rate


def decay_rule(optimizer: str, weight_decay: float, decay_on: str) -> DecayRule:
    return DecayRule(weight_decay, coupled=optimizer != "adamw", decay_on=decay_on)
