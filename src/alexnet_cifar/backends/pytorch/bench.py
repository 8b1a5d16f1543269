"""`alexnet-cifar bench --framework pytorch`: the PyTorch pieces of bench.run_bench, the on-device
pipeline, the other memory layout on the CPU, and the earlier studies' PIL DataLoader."""

from __future__ import annotations

import itertools
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import torch
from torch import nn

from ...bench.kit import BenchKit
from ...preprocess import get_augmentation, get_normalization
from . import device
from .device import CHANNELS_LAST
from .model import build, layer_alone
from .optim import make_optimizer
from .pipeline import Pipeline
from .precision import Precision


def _naive_loader(images: np.ndarray, labels: np.ndarray, size: int, batch_size: int):
    """The earlier studies' pipeline: PIL images, Resize, ToTensor, Normalize, DataLoader."""
    from PIL import Image
    from torch.utils.data import DataLoader, Dataset
    from torchvision import transforms

    norm = get_normalization("cifar")
    tf = transforms.Compose(
        [
            transforms.Resize(size),
            transforms.RandomHorizontalFlip(),
            transforms.ToTensor(),
            transforms.Normalize(norm.mean, norm.std),
        ]
    )

    class Arrays(Dataset):
        def __len__(self):
            return len(images)

        def __getitem__(self, i):
            return tf(Image.fromarray(images[i])), int(labels[i])

    return DataLoader(
        Arrays(),
        batch_size=batch_size,
        shuffle=True,
        num_workers=2,
        drop_last=True,
        persistent_workers=True,
    )


class Bench(BenchKit):
    framework = "pytorch"
    device_api = device

    def sync(self) -> None:
        if self.device.type == "cuda":
            torch.cuda.synchronize()

    def steps(self, precision: str, channels_last: bool = CHANNELS_LAST):
        torch.manual_seed(0)
        model = build(self.spec).to(self.device)
        if channels_last:
            model = model.to(memory_format=torch.channels_last)
        plan, decay = self.update_rules([name for name, _ in model.named_parameters()])
        loss_fn, amp = nn.CrossEntropyLoss(), Precision(precision, self.device)
        opt = make_optimizer(
            self.config, model, plan, decay, self.config.lr, loss_scaled=amp.scaler.is_enabled()
        )

        def train_step(x, y):
            model.train()
            with amp.autocast():
                loss = loss_fn(model(x).float(), y)
            opt.zero_grad(set_to_none=True)
            amp.backward_step(loss, opt)

        @torch.no_grad()
        def infer(x):
            model.eval()
            with amp.autocast():
                model(x)

        return train_step, infer

    def pipeline(self, images, labels, augment: str) -> Pipeline:
        norm, aug = get_normalization("cifar"), get_augmentation(augment)
        return Pipeline(images, labels, self.device, self.spec.input_size, norm, aug, CHANNELS_LAST)

    def batches(self, images, labels, augment, batch_size):
        pipe = self.pipeline(images, labels, augment)
        for epoch in itertools.count():
            yield from pipe.epoch(batch_size, 0, epoch, len(pipe) // batch_size)

    def other_layout(self, precision, x):
        """On the CPU, compute-only training in the other layout too (``nchw_compute_train``),
        which decides CHANNELS_LAST."""
        if self.device.type == "cuda":
            return None
        step, _ = self.steps(precision, not CHANNELS_LAST)
        return step, x.contiguous()

    def update_step(self, precision):
        torch.manual_seed(0)
        model = build(self.spec).to(self.device)  # float32 weights in every precision
        plan, decay = self.update_rules([name for name, _ in model.named_parameters()])
        optimizer = make_optimizer(self.config, model, plan, decay, self.config.lr)
        for p in model.parameters():
            p.grad = torch.randn_like(p)
        return optimizer.step

    def layer_step(self, info, precision, batch_size):
        torch.manual_seed(0)
        module = layer_alone(info).to(self.device)
        if isinstance(module, nn.ReLU):
            module.inplace = False  # its input is a leaf that needs a gradient
        spatial = len(info.in_shape) == 3
        if spatial and CHANNELS_LAST:
            module = module.to(memory_format=torch.channels_last)
        module.train()
        layout = torch.channels_last if spatial and CHANNELS_LAST else torch.contiguous_format
        x = torch.randn(batch_size, *info.in_shape, device=self.device)
        x = x.contiguous(memory_format=layout).requires_grad_(True)
        projection = torch.randn(batch_size, *info.shape, device=self.device)
        projection = projection.contiguous(memory_format=layout)  # as the output's
        amp = Precision(precision, self.device)
        wrt = [x, *module.parameters()]

        def step():  # fresh gradients every call, as Keras' tape gives them
            with amp.autocast():
                out = module(x)
            torch.autograd.grad((out.float() * projection).sum(), wrt)

        return step

    def naive_batches(self, images, labels, batch_size):
        loader = _naive_loader(images, labels, self.spec.input_size, batch_size)
        while True:
            for x, y in loader:
                yield x.to(self.device, non_blocking=True), y.to(self.device, non_blocking=True)

    @staticmethod
    @contextmanager
    def profile(trace_dir: Path):
        """torch.profiler over the block, its trace written into ``trace_dir`` for TensorBoard's
        profiler plugin (torch-tb-profiler)."""
        from torch.profiler import ProfilerActivity, tensorboard_trace_handler

        activities = [ProfilerActivity.CPU]
        if torch.cuda.is_available():
            activities.append(ProfilerActivity.CUDA)
        with torch.profiler.profile(
            activities=activities, on_trace_ready=tensorboard_trace_handler(str(trace_dir))
        ):
            yield
