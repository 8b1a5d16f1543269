"""Trajectory parity over a long run: PyTorch and Keras train alexnet-cifar from the same
initial weights on the same batches (order and augmentation from training/plan.py) with SGD,
momentum, weight decay and a cosine schedule, dropout 0, fp32 on the CPU; after every step the
weights of both are compared. A control run does the same for PyTorch against itself, started
from weights changed by one float32 rounding step (a relative 2**-24 per element): how far two
runs drift apart from rounding alone. Writes the per-step divergence curves (JSON), a plot.

    python benchmarks/parity_run.py --data-dir ../shared/data/cifar10 --out results/parity
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch

from alexnet_cifar import TrainConfig
from alexnet_cifar.arch import spec_for
from alexnet_cifar.backends import get_backend
from alexnet_cifar.data import load_cifar10
from alexnet_cifar.runs import RunDir
from alexnet_cifar.system.environment import environment
from alexnet_cifar.weights.port import convert_weights


def relative(a: dict, b: dict) -> dict:
    return {k: float(np.linalg.norm(a[k] - b[k]) / max(np.linalg.norm(b[k]), 1e-12)) for k in b}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data-dir", required=True)
    p.add_argument("--out", default="results/parity", help="folder for the JSON and the plot")
    p.add_argument("--steps", type=int, default=None, help="default: one full epoch")
    p.add_argument("--batchnorm", action="store_true")
    args = p.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    data = load_cifar10(args.data_dir, download_missing=False)
    torch.set_num_threads(torch.get_num_threads())
    base = dict(
        model="alexnet-cifar",
        batchnorm=args.batchnorm,
        epochs=1,
        batch_size=128,
        optimizer="sgd",
        lr=0.05,
        momentum=0.9,
        weight_decay=5e-4,
        schedule="cosine",
        augment="flip",
        dropout=0.0,
        val_fraction=0.1,
        device="cpu",
    )
    spec = spec_for(TrainConfig(**base))
    start = get_backend("pytorch").export_weights(get_backend("pytorch").build(spec, seed=0))
    noise = np.random.default_rng(1)
    nudged = {
        k: (v * (1 + np.sign(noise.standard_normal(v.shape)) * 2.0**-24)).astype(v.dtype)
        for k, v in start.items()
    }
    trainers = {}
    for name, fw, weights in (
        ("pytorch", "pytorch", start),
        ("keras", "keras", convert_weights(spec, start, "pytorch", "keras")),
        ("control", "pytorch", nudged),
    ):
        config = TrainConfig(framework=fw, out=str(out / f"run-{name}"), **base).validate()
        backend = get_backend(fw)
        with backend.Trainer.device_scope(config):
            trainers[name] = backend.Trainer(config, RunDir(config.out), data, False, weights)
    t, k, c = trainers["pytorch"], trainers["keras"], trainers["control"]
    steps = min(args.steps or t.steps, t.steps)
    t.model.train()
    c.model.train()
    t_batches = t.pipelines["train"].epoch(t.config.batch_size, t.config.seed, 0, t.steps)
    c_batches = c.pipelines["train"].epoch(c.config.batch_size, c.config.seed, 0, c.steps)
    k_batches = iter(k.pipelines["train"].epoch(k.config.batch_size, k.config.seed, 0, k.steps))
    curve = []
    began = time.perf_counter()
    for step in range(steps):
        x, y = next(t_batches)
        loss_t, _ = t.train_step(x, y)
        kx, ky = next(k_batches)
        loss_k = k.model.train_on_batch(kx, ky, return_dict=True)["loss"]
        c.train_step(*next(c_batches))
        w_t = get_backend("pytorch").export_weights(t.model)
        w_k = convert_weights(
            spec, get_backend("keras").export_weights(k.model), "keras", "pytorch"
        )
        diffs = relative(w_k, w_t)
        control = relative(get_backend("pytorch").export_weights(c.model), w_t)
        worst = max(diffs, key=diffs.get)
        curve.append(
            {
                "step": step + 1,
                "max_relative_difference": diffs[worst],
                "worst_tensor": worst,
                "median_relative_difference": float(np.median(list(diffs.values()))),
                # kernels only: the zero-initialised biases stay tiny for a while, so their
                # relative difference is mostly float rounding of small numbers
                "max_kernel_relative_difference": max(
                    v for key, v in diffs.items() if w_t[key].ndim > 1
                ),
                "control_max_relative_difference": max(control.values()),
                "control_max_kernel_relative_difference": max(
                    v for key, v in control.items() if w_t[key].ndim > 1
                ),
                "loss_pytorch": float(loss_t),
                "loss_keras": float(loss_k),
            }
        )
        if (step + 1) % 25 == 0 or step + 1 == steps:
            print(f"step {step + 1}/{steps}: max rel diff {diffs[worst]:.2e} ({worst})", flush=True)
    record = {
        "what": "per-step weight divergence, PyTorch vs Keras, same start, batches and rules",
        "config": base,
        "steps": steps,
        "seconds": time.perf_counter() - began,
        "final_max_relative_difference": curve[-1]["max_relative_difference"],
        "final_max_kernel_relative_difference": curve[-1]["max_kernel_relative_difference"],
        "final_control_max_relative_difference": curve[-1]["control_max_relative_difference"],
        "epoch_loss_pytorch": float(np.mean([c["loss_pytorch"] for c in curve])),
        "epoch_loss_keras": float(np.mean([c["loss_keras"] for c in curve])),
        "hardware": environment({"device": "cpu", "torch_threads": torch.get_num_threads()}),
        "curve": curve,
    }
    name = f"parity-alexnet-cifar{'-bn' if args.batchnorm else ''}"
    (out / f"{name}.json").write_text(json.dumps(record, indent=1))
    plot(record, out / f"{name}.png")
    print(f"wrote {out / name}.json and .png")


def plot(record: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    steps = [c["step"] for c in record["curve"]]
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 6), sharex=True)
    top.semilogy(steps, [c["max_relative_difference"] for c in record["curve"]], label="max")
    top.semilogy(
        steps, [c["max_kernel_relative_difference"] for c in record["curve"]], label="max, kernels"
    )
    top.semilogy(steps, [c["median_relative_difference"] for c in record["curve"]], label="median")
    top.semilogy(
        steps,
        [c["control_max_relative_difference"] for c in record["curve"]],
        label="control: PyTorch vs PyTorch nudged by rounding, max",
        color="black",
        linestyle="--",
    )
    top.axhline(1e-3, color="grey", linestyle=":", label="1e-3")
    top.set(ylabel="relative weight difference", title="PyTorch vs Keras, same start and batches")
    top.legend()
    bottom.plot(steps, [c["loss_pytorch"] for c in record["curve"]], label="PyTorch")
    bottom.plot(steps, [c["loss_keras"] for c in record["curve"]], label="Keras", linestyle="--")
    bottom.set(xlabel="optimizer step", ylabel="training loss (batch)")
    bottom.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    main()
