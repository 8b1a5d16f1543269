"""Helpers for comparing models across frameworks: O(1) random weights and logits of NHWC
batches through either framework."""

from __future__ import annotations

import numpy as np


def image_batch(size: int, n: int = 2, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((n, size, size, 3), dtype=np.float32)


def randomize_torch(model, seed=0):
    """Weights large enough that logits are O(1), BatchNorm statistics far from identity."""
    import torch

    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.state_dict().items():
            if name.endswith("num_batches_tracked"):
                continue
            if name.endswith("running_var"):
                p.copy_(torch.rand(p.shape, generator=g) + 0.5)
            elif p.dim() > 1:
                fan_in = p[0].numel()
                p.copy_(torch.randn(p.shape, generator=g) * (2.0 / fan_in) ** 0.5)
            else:
                p.copy_(torch.randn(p.shape, generator=g) * 0.1)


def logits_torch(model, x_nhwc):
    import torch

    with torch.no_grad():
        return model.eval()(torch.from_numpy(x_nhwc.transpose(0, 3, 1, 2).copy())).numpy()


def logits_keras(model, x_nhwc):
    return np.asarray(model(x_nhwc, training=False))
