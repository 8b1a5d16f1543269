"""`alexnet-cifar bench`: training and inference images/s, compute only and through the
input pipelines."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..config import TrainConfig
from ..errors import ConfigError
from . import options


def register(sub) -> None:
    b = sub.add_parser(
        "bench",
        help="measure training and inference images/s",
        description="Images per second for (a) compute only, on a batch already on the device, "
        "(b) compute only on four batches made beforehand, in turn (what a batch the step has "
        "not just read costs), (c) the real input pipeline from uint8 CIFAR arrays, (a)-(c) in "
        "alternating windows, and (d) the naive PIL DataLoader pipeline of the earlier "
        "studies; writes JSON.",
    )
    options.add_config_flags(b, (*options.MODEL_FLAGS, "device", "precision", "augment"))
    b.add_argument("--batch-size", type=int, default=64, help="(default: 64)")
    b.add_argument("--steps", type=int, default=5, help="timed steps per measurement (default: 5)")
    b.add_argument("--warmup", type=int, default=2, help="untimed steps first (default: 2)")
    b.add_argument("--no-naive", action="store_true", help="skip the naive PIL pipeline")
    b.add_argument(
        "--no-fp32-baseline",
        action="store_true",
        help="when --precision is not fp32, skip timing fp32 as well (the speed-up)",
    )
    b.add_argument(
        "--arms-only",
        action="store_true",
        help="time only (a)-(c), the training step's three arms, for their ratios: no "
        "inference, pipeline-alone, other-layout, fp32 or naive timing",
    )
    b.add_argument(
        "--breakdown",
        type=int,
        metavar="STEPS",
        help="also train STEPS real steps (two short epochs, the first with the warm-up) "
        "through the trainer and print where an epoch's time goes: warm-up, input, compute, "
        "loop overhead, validation, records; and the trainer's rate against the compute-only "
        "step, timed again after the run",
    )
    b.add_argument(
        "--trace",
        metavar="DIR",
        help="with --breakdown: record the framework's profiler (torch.profiler, TensorFlow's) "
        "over those steps into DIR, a new or empty folder; view with tensorboard --logdir DIR",
    )
    b.add_argument(
        "--layers",
        action="store_true",
        help="also time every layer alone, forward and backward, on a random batch of its input "
        "shape, and the optimizer's update over all the weights: run it in both frameworks to "
        "see which layer's kernels differ",
    )
    b.add_argument(
        "--output", metavar="FILE", help="JSON file (default: bench-FRAMEWORK-MODEL.json)"
    )
    options.add_data_args(b)
    b.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..backends import get_backend
    from ..bench.breakdown import breakdown, check_trace_dir, format_breakdown, hold_against_step
    from ..bench.kit import compute_only, layer_times, run_bench
    from ..bench.tables import format_bench, format_layers
    from ..system import atomic

    if args.batch_size < 1 or args.steps < 1 or args.warmup < 0:
        raise ConfigError("--batch-size and --steps must be >= 1, --warmup >= 0")
    if args.trace and not args.breakdown:
        raise ConfigError("--trace records the --breakdown steps: add --breakdown STEPS")
    if args.breakdown is not None and args.breakdown < 2:
        raise ConfigError(f"--breakdown {args.breakdown}: give at least 2 steps")
    if args.trace:
        check_trace_dir(args.trace)  # before any timing: nothing is run for a bad folder
    config = TrainConfig(
        **{k: v for k, v in options.config_values(args).items() if k != "batch_size"}
    ).validate()
    data = options.data_from_args(args)
    kit = get_backend(config.framework).Bench(config)
    result = run_bench(
        kit,
        data,
        batch_size=args.batch_size,
        steps=args.steps,
        warmup=args.warmup,
        naive=not args.no_naive,
        baseline=not args.no_fp32_baseline,
        arms_only=args.arms_only,
    )
    print(format_bench(result))
    if args.breakdown:

        def step_rate() -> float:
            return compute_only(
                kit, data, batch_size=args.batch_size, steps=args.steps, warmup=args.warmup
            )

        before = step_rate()
        result["breakdown"] = breakdown(config, data, args.breakdown, args.batch_size, args.trace)
        hold_against_step(result["breakdown"], args.batch_size, before, step_rate())
        print(format_breakdown(result["breakdown"]))
    if args.layers:
        result["layers"] = layer_times(
            kit, batch_size=args.batch_size, steps=args.steps, warmup=args.warmup
        )
        print(format_layers(result["layers"]))
    output = Path(args.output or f"bench-{config.framework}-{config.model}.json")
    atomic.write_json(output, result)
    print(f"written: {output}", file=sys.stderr)
    return 0
