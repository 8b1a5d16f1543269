"""The input pipeline without PIL: CIFAR-10 stays uint8 on the device; each batch is gathered,
augmented, resized and normalized there, in a few tensor ops on the whole batch."""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F

from ...preprocess import Augmentation, Normalization


class DeviceData:
    def __init__(
        self,
        images: np.ndarray,
        labels: np.ndarray,
        device: torch.device,
        input_size: int,
        normalization: Normalization,
        augmentation: Augmentation,
        channels_last: bool = False,
    ):
        self.x = torch.from_numpy(np.ascontiguousarray(images)).to(device)  # N,H,W,C uint8
        self.y = torch.from_numpy(np.asarray(labels, dtype=np.int64)).to(device)
        self.device = device
        self.size = input_size
        self.norm = normalization
        self.aug = augmentation
        self.channels_last = channels_last
        shape = (1, 3, 1, 1)
        self.mean = torch.tensor(normalization.mean, device=device).view(shape)
        self.std = torch.tensor(normalization.std, device=device).view(shape)

    def __len__(self) -> int:
        return len(self.y)

    def batches(
        self,
        batch_size: int,
        train: bool = False,
        generator: torch.Generator | None = None,
        drop_last: bool = False,
    ):
        n = len(self)
        order = torch.randperm(n, generator=generator) if train else torch.arange(n)
        stop = n - n % batch_size if drop_last else n
        for start in range(0, stop, batch_size):
            idx = order[start : start + batch_size].to(self.device)
            yield self.transform(self.x[idx], train, generator), self.y[idx]

    def transform(
        self, images: torch.Tensor, train: bool = False, generator: torch.Generator | None = None
    ) -> torch.Tensor:
        """uint8 NHWC -> normalized float NCHW at the model's input size."""
        x = images.permute(0, 3, 1, 2).float().div_(255.0)
        if train and self.aug.name != "none":
            x = self._augment_and_resize(x, generator)
        elif x.shape[-1] != self.size:
            x = F.interpolate(x, size=(self.size, self.size), mode="bilinear", align_corners=False)
        if self.norm.bgr:
            x = x.flip(1)
        x = (x * self.norm.scale - self.mean) / self.std
        if self.channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        return x

    def _augment_and_resize(self, x: torch.Tensor, generator: torch.Generator | None):
        """Flip, shift, rotation and zoom as one affine warp per image, sampled straight at the
        output size: the resize costs nothing extra and no intermediate 224 px copy is made."""
        b, aug = x.shape[0], self.aug

        def uniform(lo, hi):
            return torch.rand(b, generator=generator) * (hi - lo) + lo

        angle = uniform(-aug.rotate_deg, aug.rotate_deg) * (math.pi / 180)
        scale = uniform(1 - aug.zoom, 1 + aug.zoom)
        flip = (
            torch.where(torch.rand(b, generator=generator) < 0.5, -1.0, 1.0)
            if aug.flip
            else torch.ones(b)
        )
        # affine_grid works in [-1, 1] coordinates, so a shift of t of the side is 2t.
        tx, ty = (uniform(-2 * aug.translate, 2 * aug.translate) for _ in range(2))
        cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
        theta = torch.stack(
            [torch.stack([cos * flip, -sin, tx], 1), torch.stack([sin * flip, cos, ty], 1)], 1
        ).to(x)
        grid = F.affine_grid(theta, [b, 3, self.size, self.size], align_corners=False)
        return F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
