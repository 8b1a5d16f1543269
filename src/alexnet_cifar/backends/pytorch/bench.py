"""`alexnet-cifar bench --framework pytorch`: compute-only, on-device pipeline, naive pipeline."""

from __future__ import annotations

import itertools

import numpy as np
import torch
from torch import nn

from ...arch import spec_for
from ...bench import bench_record, images_per_second
from ...config import TrainConfig
from ...preprocess import get_augmentation, get_normalization
from ...runs import environment
from ...training.precision import choose
from .model import Precision, build
from .pipeline import DeviceData
from .train import CHANNELS_LAST, capability, hardware, resolve_device, software


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


def bench(
    config: TrainConfig,
    data,
    *,
    batch_size: int,
    steps: int,
    warmup: int,
    naive: bool = True,
    baseline: bool = True,
) -> dict:
    """``baseline``: when the precision is not fp32, also time compute-only training and
    inference in fp32, for the speed-up. On the CPU, compute-only training is timed in the
    other memory layout too (``nchw_compute_train``), which decides CHANNELS_LAST."""
    device = resolve_device(config.device)
    cuda = device.type == "cuda"
    spec = spec_for(config)
    cap = capability(config.device)
    precision = choose(config.precision, cap, "pytorch")
    sync = torch.cuda.synchronize if cuda else (lambda: None)
    n = min(len(data.x_train), batch_size * (steps + warmup) * 2)

    def pipeline(x, y, augment):
        norm, aug = get_normalization("cifar"), get_augmentation(augment)
        return DeviceData(x, y, device, spec.input_size, norm, aug, CHANNELS_LAST)

    pipe = pipeline(data.x_train[:n], data.y_train[:n], "standard")

    def batches():
        for epoch in itertools.count():
            yield from pipe.epoch(batch_size, 0, epoch, n // batch_size)

    stream = batches()
    x0, y0 = next(stream)

    def steps_of(p: str, channels_last: bool = CHANNELS_LAST):
        """(train step, inference step) of a fresh model in precision ``p``."""
        torch.manual_seed(0)
        model = build(spec).to(device)
        if channels_last:
            model = model.to(memory_format=torch.channels_last)
        opt = torch.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9)
        loss_fn, amp = nn.CrossEntropyLoss(), Precision(p, device)

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

    def timed(fn, *args):
        return images_per_second(lambda: fn(*args), batch_size, steps, warmup, sync)

    train_step, infer = steps_of(precision)
    r = bench_record("pytorch", spec, batch_size, steps, warmup)
    r["precision"] = precision
    r["compute_train"] = timed(train_step, x0, y0)
    r["pipeline_train"] = images_per_second(
        lambda: train_step(*next(stream)), batch_size, steps, warmup, sync
    )
    r["pipeline_only"] = images_per_second(
        lambda: next(stream), batch_size, steps * 4, warmup, sync
    )
    eval_pipe = pipeline(data.x_test[:batch_size], data.y_test[:batch_size], "none")
    r["compute_inference"] = timed(infer, x0)
    r["pipeline_inference"] = images_per_second(
        lambda: infer(eval_pipe.transform(eval_pipe.x)), batch_size, steps, warmup, sync
    )
    if not cuda:
        other_layout, _ = steps_of(precision, not CHANNELS_LAST)
        r["nchw_compute_train"] = timed(other_layout, x0.contiguous(), y0)
        r["channels_last_over_nchw"] = r["compute_train"] / r["nchw_compute_train"]
    if baseline and precision != "fp32":
        fp32_train, fp32_infer = steps_of("fp32")
        r["fp32"] = {
            "compute_train": timed(fp32_train, x0, y0),
            "compute_inference": timed(fp32_infer, x0),
        }
        r["speedup_over_fp32"] = {k: r[k] / v for k, v in r["fp32"].items()}
    if naive:
        loader = _naive_loader(data.x_train[:n], data.y_train[:n], spec.input_size, batch_size)

        def naive_batches():
            while True:
                for x, y in loader:
                    yield x.to(device, non_blocking=True), y.to(device, non_blocking=True)

        naive_stream = naive_batches()
        r["naive_train"] = images_per_second(
            lambda: train_step(*next(naive_stream)), batch_size, steps, warmup, sync
        )
        r["naive_pipeline_only"] = images_per_second(
            lambda: next(naive_stream), batch_size, steps * 4, warmup, sync
        )
        r["pipeline_over_naive"] = r["pipeline_train"] / r["naive_train"]
    r["pipeline_over_compute"] = r["pipeline_train"] / r["compute_train"]
    r["software"] = software()
    r["hardware"] = environment({**hardware(device), "native_bf16": cap.bf16})
    return r
