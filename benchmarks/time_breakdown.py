"""Where an epoch's time goes, in both frameworks, on this machine.

Writes results/time-breakdown-<cpu|gpu>.{json,md}.

For alexnet-cifar + BatchNorm at 32 px and torchvision's alexnet at 224 px (batch 128 both),
in `auto` precision and in fp32 (one run when auto is fp32 here), each framework gets one
`alexnet-cifar bench --layers --breakdown`: its compute-only training step, a short run of the
real trainer split into phases (training/phases.py) and held against the compute-only step
timed right before and after it, and every layer and the optimizer's update timed alone. At
32 px the step without BatchNorm is timed too, for BatchNorm's share. The input pipeline is held
against the compute-only step in alternating windows for --augment standard (rotations: a
per-pixel warp) and flip (no rotation: resample.py's two matrix products). The Keras / PyTorch ratio
of the compute-only step is the median of --rounds rounds that alternate the frameworks, each
in its own process: a 2-core cloud CPU drifts by 10% within a minute, so one measurement per
framework can pass drift off as a difference. Speeds move between days on shared machines;
the ratios within one run are what count.

Usage: python benchmarks/time_breakdown.py [--device cpu|cuda] [--steps N] [--rounds N]
       [--precisions auto fp32] [--out STEM]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_table import _machine, bench_process  # noqa: E402

from alexnet_cifar.bench.breakdown import steps_per_epoch  # noqa: E402
from alexnet_cifar.bench.kit import turn_order  # noqa: E402
from alexnet_cifar.bench.tables import shape_label  # noqa: E402
from alexnet_cifar.training.progress import EpochProgress  # noqa: E402

FRAMEWORKS = ("pytorch", "keras")
# (model, flags, batch size, breakdown steps): the batch sizes the studies train with
MODELS = (("alexnet-cifar", ["--batchnorm"], 128, 40), ("alexnet", [], 128, 24))
# the pipeline's warps: with rotation (the bench's default, the Keras paper row's) and without
AUGMENTS = ("standard", "flip")
# the step's arms held against it on one batch (bench's key -> the table's words)
ARMS = {"fresh": "made beforehand", "pipeline": "pipeline"}


def bench(framework: str, model: str, flags: list[str], args, extra: list[str]) -> dict:
    flags = [*flags, "--device", args.device, "--steps", str(args.steps), "--no-naive"]
    return bench_process(framework, model, [*flags, "--no-fp32-baseline", *extra])[0]


def step_only(framework: str, model: str, flags: list[str], args, precision: str, batch: int):
    """Images/s of the compute-only training step, in a process of its own."""
    command = [
        sys.executable,
        __file__,
        "--step-only",
        json.dumps([framework, model, "--batchnorm" in flags, args.device, precision, batch]),
        "--steps",
        str(args.steps),
    ]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return float(done.stdout.strip().splitlines()[-1])


def time_one_step(spec: str, steps: int) -> float:
    from alexnet_cifar import TrainConfig
    from alexnet_cifar.backends import get_backend
    from alexnet_cifar.bench.kit import compute_only
    from alexnet_cifar.data import load_cifar10

    framework, model, batchnorm, device, precision, batch = json.loads(spec)
    config = TrainConfig(
        framework=framework, model=model, batchnorm=batchnorm, device=device, precision=precision
    ).validate()
    data = load_cifar10(os.environ.get("ALEXNET_CIFAR_DATA"), progress=False)
    kit = get_backend(framework).Bench(config)
    return compute_only(kit, data, batch_size=batch, steps=steps, warmup=2)


def _pipeline(r: dict) -> dict:
    return {k: r[k] for arm in ARMS for k in (f"{arm}_over_compute", f"{arm}_over_compute_rounds")}


def alternating_rounds(model: str, flags: list[str], args, precision: str, batch: int) -> dict:
    """--rounds compute-only steps per framework, the frameworks taking turns, each round
    started by the other one."""
    rates: dict[str, list[float]] = {f: [] for f in FRAMEWORKS}
    for r in range(args.rounds):
        for framework in (FRAMEWORKS[i] for i in turn_order(len(FRAMEWORKS), r)):
            rates[framework].append(step_only(framework, model, flags, args, precision, batch))
    ratios = [k / p for p, k in zip(rates["pytorch"], rates["keras"], strict=True)]
    return {"images_per_second": rates, "keras_over_pytorch": ratios}


def measure(args) -> list[dict]:
    rows = []
    for model, flags, batch, steps in MODELS:
        resolved = None
        for precision in args.precisions:
            if precision == "fp32" and resolved == "fp32":
                continue  # auto is fp32 on this machine: one run stands for both
            for framework in FRAMEWORKS:
                extra = ["--precision", precision, "--batch-size", str(batch)]
                r = bench(
                    framework,
                    model,
                    flags,
                    args,
                    [*extra, "--layers", "--breakdown", str(steps * args.breakdown_scale)],
                )
                resolved = r["precision"]
                row = {"asked": precision, "result": r}
                row["pipeline"] = {AUGMENTS[0]: _pipeline(r)}
                for augment in AUGMENTS[1:]:
                    # the other warp changes only the pipeline: its arms alone
                    other = bench(
                        framework, model, flags, args, [*extra, "--augment", augment, "--arms-only"]
                    )
                    row["pipeline"][augment] = _pipeline(other)
                if "--batchnorm" in flags:
                    plain = bench(framework, model, [], args, extra)
                    row["without_batchnorm"] = plain["compute_train"]
                    print(f"{framework} {model} {resolved}: without BatchNorm done", flush=True)
                rows.append(row)
                print(f"{framework} {model} {resolved}: done", flush=True)
            rows[-1]["rounds"] = alternating_rounds(model, flags, args, precision, batch)
            print(f"{model} {resolved}: {args.rounds} alternating rounds done", flush=True)
    return rows


def table(rows: list[dict]) -> str:
    first = rows[0]["result"]
    versions = {k: v for row in rows for k, v in row["result"]["software"].items()}
    lines = [
        "# Where an epoch's time goes: PyTorch and Keras on one machine",
        "",
        f"Machine: {_machine(first)}; torch {versions.get('torch', '-')}, TensorFlow "
        f"{versions.get('tensorflow', '-')}, Keras {versions.get('keras', '-')}. "
        "Written by `python benchmarks/time_breakdown.py`; speeds move between days on shared "
        "machines, the ratios within this one run are what count.",
        "",
        "## The training step, compute only (images/s)",
        "",
        "One measurement per framework (PyTorch, Keras, their ratio, BatchNorm's share), then "
        "the Keras / PyTorch ratio over rounds that alternate the frameworks, each in a process "
        "of its own: the median and the range.",
        "",
        "| model | precision | PyTorch | Keras | Keras / PyTorch | PyTorch with / without "
        "BatchNorm | Keras with / without BatchNorm | Keras / PyTorch, alternating rounds |",
        "|---|---|---|---|---|---|---|---|",
    ]
    pairs = _pairs(rows)
    for (model, precision), (pt, ke) in pairs.items():
        ratios = ke.get("rounds", {}).get("keras_over_pytorch", [])
        rounds = (
            f"{statistics.median(ratios):.2f}x ({min(ratios):.2f}-{max(ratios):.2f}, "
            f"{len(ratios)} rounds)"
            if ratios
            else "-"
        )
        bn = [
            f"{row['result']['compute_train'] / row['without_batchnorm']:.2f}x"
            if row.get("without_batchnorm")
            else "-"
            for row in (pt, ke)
        ]
        lines.append(
            f"| {model} | {precision} | {pt['result']['compute_train']:,.0f} "
            f"| {ke['result']['compute_train']:,.0f} "
            f"| {ke['result']['compute_train'] / pt['result']['compute_train']:.2f}x "
            f"| {bn[0]} | {bn[1]} | {rounds} |"
        )
    lines += [
        "",
        "## A short run of the real trainer, phase by phase (seconds)",
        "",
        "Two epochs of the trainer (`bench --breakdown`): the first pays the warm-up "
        "(tracing, first-touch allocation; n/a where the first epoch is one sync window of "
        "10 steps or fewer, and the warm-up stays in compute). Training rate: the second "
        "epoch's images over its input, compute and overhead, against the mean of the "
        "compute-only step timed right before and right after the run.",
        "",
        "| model | precision | framework | epoch | warm-up | input | compute | overhead "
        "| validation | records | whole epoch | training rate / compute-only |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for (model, precision), pair in pairs.items():
        for row in pair:
            r = row["result"]
            for i, epoch in enumerate(r["breakdown"]["epochs"]):
                p = dict(epoch["phases"])
                if i == 0 and not _warmup_separable(r):
                    p["warmup"] = None
                rate = (
                    f"{r['breakdown']['training_over_compute']:.2f}x"
                    if i == len(r["breakdown"]["epochs"]) - 1
                    else ""
                )
                lines.append(
                    f"| {model} | {precision} | {r['framework']} | {i + 1} "
                    + "".join(
                        "| n/a " if p[k] is None else f"| {p[k]:.2f} "
                        for k in ("warmup", "input", "compute", "overhead", "validation", "records")
                    )
                    + f"| {epoch['wall_seconds']:.2f} | {rate} |"
                )
    lines += [
        "",
        "## The input pipeline against the compute-only step",
        "",
        "Images/s of the step on batches made beforehand (four, in turn) and through the input "
        "pipeline, over images/s of the step on one batch, in alternating windows (`bench`): "
        "the median round and the range. The first column is what a batch the step has not "
        "just read costs it, the pipeline's cost apart. "
        + " ".join(f"`--augment {a}`: {AUGMENT_WORDS[a]}." for a in AUGMENTS),
        "",
        "| model | precision | framework | "
        + " | ".join(f"{words} / one batch, {a}" for a in AUGMENTS for words in ARMS.values())
        + " |",
        "|---|---|---|" + "---|" * len(AUGMENTS) * len(ARMS),
    ]
    for (model, precision), pair in pairs.items():
        for row in pair:
            cells = []
            for augment in AUGMENTS:
                for arm in ARMS:
                    p = row.get("pipeline", {}).get(augment, {})
                    rounds = p.get(f"{arm}_over_compute_rounds")
                    cells.append(
                        f"{p[f'{arm}_over_compute']:.2f} ({min(rounds):.2f}-{max(rounds):.2f})"
                        if rounds
                        else "-"
                    )
            lines.append(
                f"| {model} | {precision} | {row['result']['framework']} | "
                + " | ".join(cells)
                + " |"
            )
    for (model, precision), (pt, ke) in pairs.items():
        lines += _layer_table(model, precision, pt["result"], ke["result"])
    return "\n".join(lines) + "\n"


AUGMENT_WORDS = {
    "standard": "flip, shift, 10 degree rotation and zoom, a per-pixel warp",
    "flip": "flip only, the two matrix products of resample.py",
}


def _warmup_separable(r: dict) -> bool:
    """The warm-up is the first sync window's excess over the others' steady time: a first
    epoch of one window has nothing to hold it against (n/a; it stays in compute)."""
    return steps_per_epoch(r["breakdown"]["steps"]) > EpochProgress.SYNC_EVERY


def _pairs(rows: list[dict]) -> dict:
    pairs: dict = {}
    for row in rows:
        r = row["result"]
        key = (f"{r['model']} {r['input_size']} px", _precision_label(row))
        pairs.setdefault(key, [None, None])[FRAMEWORKS.index(r["framework"])] = row
    return pairs


def _precision_label(row: dict) -> str:
    resolved = row["result"]["precision"]
    return f"auto ({resolved})" if row["asked"] == "auto" else resolved


def _layer_table(model: str, precision: str, pt: dict, ke: dict) -> list[str]:
    lines = [
        "",
        f"## Each layer alone, forward and backward: {model}, {precision}, batch "
        f"{pt['batch_size']} (ms per batch)",
        "",
        "| layer | input (C, H, W) | PyTorch | Keras | Keras / PyTorch |",
        "|---|---|---|---|---|",
    ]
    for a, b in zip(pt["layers"], ke["layers"], strict=True):
        shape = shape_label(a)
        lines.append(
            f"| {a['layer']} ({a['kind']}) | {shape} | {a['ms']:.2f} | {b['ms']:.2f} "
            f"| {b['ms'] / a['ms']:.2f}x |"
        )
    sums = [sum(x["ms"] for x in r["layers"]) for r in (pt, ke)]
    steps = [1000 * r["batch_size"] / r["compute_train"] for r in (pt, ke)]
    lines.append(
        f"| sum of the rows | | {sums[0]:.1f} | {sums[1]:.1f} | {sums[1] / sums[0]:.2f}x |"
    )
    lines.append(
        f"| the whole training step | | {steps[0]:.1f} | {steps[1]:.1f} "
        f"| {steps[1] / steps[0]:.2f}x |"
    )
    return lines


def rewrite_table(out: Path) -> None:
    """--table-only: the Markdown again from the committed JSON, nothing measured."""
    out.with_suffix(".md").write_text(table(json.loads(out.with_suffix(".json").read_text())))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--steps", type=int, default=10, help="timed steps per measurement")
    parser.add_argument(
        "--breakdown-scale", type=int, default=1, help="multiply the trainer run's steps"
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="alternating compute-only rounds per framework"
    )
    parser.add_argument(
        "--precisions",
        nargs="+",
        default=["auto", "fp32"],
        choices=["auto", "fp32"],
        help="the precisions to time (default: auto and fp32; fp32 is skipped where auto is it)",
    )
    parser.add_argument(
        "--table-only", action="store_true", help="rewrite the .md from the .json, measure nothing"
    )
    parser.add_argument(
        "--out",
        metavar="STEM",
        type=Path,
        help="write STEM.json and STEM.md (default: results/time-breakdown-<cpu|gpu>)",
    )
    parser.add_argument("--step-only", metavar="JSON", help=argparse.SUPPRESS)
    args = parser.parse_args()
    tag = "gpu" if args.device == "cuda" else "cpu"
    out = args.out or ROOT / "results" / f"time-breakdown-{tag}"
    if args.step_only:  # one framework's compute-only step, for alternating_rounds
        print(time_one_step(args.step_only, args.steps))
        return 0
    if args.table_only:
        rewrite_table(out)
        return 0
    beside = ROOT.parent / "shared/data/cifar10"  # a copy next to the checkout, if any
    if beside.is_dir():
        os.environ.setdefault("ALEXNET_CIFAR_DATA", str(beside))
    rows = measure(args)
    out.with_suffix(".json").write_text(json.dumps(rows, indent=1) + "\n")
    out.with_suffix(".md").write_text(table(rows))
    print(out.with_suffix(".md").read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
