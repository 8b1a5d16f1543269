"""`alexnet-cifar train`: train one model and evaluate it, or continue an interrupted run."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..config import TrainConfig
from ..errors import ConfigError
from . import options


def register(sub) -> None:
    t = sub.add_parser(
        "train",
        help="train one model and evaluate it on the test set",
        description="Train one model on CIFAR-10, validate every epoch, evaluate on the test set, "
        "and write everything to a run directory (config.json, metrics.jsonl, "
        "results.json, checkpoint, TensorBoard events).",
    )
    options.add_config_flags(t, suppress=True)
    out = t.add_mutually_exclusive_group(required=True)
    out.add_argument(
        "--out", metavar="RUN_DIR", default=argparse.SUPPRESS, help="new run directory"
    )
    out.add_argument(
        "--resume",
        metavar="RUN_DIR",
        default=argparse.SUPPRESS,
        help="continue an interrupted run (only --epochs may change)",
    )
    options.add_data_args(t)
    t.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..engine import run_training
    from ..runs import RunDir
    from ..training.distributed import World

    given = options.config_values(args)
    if "resume" in vars(args):
        config = RunDir.open(args.resume).config()
        changed = sorted(
            k
            for k, v in given.items()
            if k not in ("epochs", "data_dir") and v != getattr(config, k)
        )
        if changed:
            raise ConfigError(
                f"--resume keeps the run's settings; drop "
                f"{', '.join('--' + c.replace('_', '-') for c in changed)}"
            )
        for k in ("epochs", "data_dir"):
            if given.get(k) is not None:
                setattr(config, k, given[k])
        config.out = args.resume  # the folder named now, wherever the run was first made
        resume = True
    else:
        config = TrainConfig(**given)
        resume = False
    world = World.from_env(config.framework)  # rank 0 alone writes and prints
    args.data_dir = config.data_dir
    # loaded once the checks that need no data (--init-from's file among them) have passed
    results = run_training(
        config,
        lambda: options.data_from_args(args),
        resume=resume,
        progress=not args.quiet,
        world=world,
    )
    if world.chief:
        print_results(results, Path(config.out))
    return 0


def print_results(results: dict, run_dir: Path) -> None:
    print(
        f"{results['framework']} {results['model']} ({results['init']}, "
        f"{results.get('precision', 'fp32')}): test accuracy "
        f"{results['test_accuracy']:.4f} on {results['num_test_images']:,} images after "
        f"{results['epochs']} epoch(s), {results['seconds_per_epoch'] or 0:.1f} s/epoch"
    )
    width = max(map(len, results["per_class_accuracy"]))
    for name, acc in results["per_class_accuracy"].items():
        print(f"  {name:<{width}}  {acc:.4f}")
    print(f"run directory: {run_dir}")
