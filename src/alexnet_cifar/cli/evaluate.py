"""`alexnet-cifar evaluate`: re-evaluate a run's checkpoint on its test images."""

from __future__ import annotations

import argparse

from . import options
from .options import add_precision_arg
from .train import print_results


def register(sub) -> None:
    e = sub.add_parser(
        "evaluate",
        help="re-evaluate a run's checkpoint on the test set",
        description="Load RUN_DIR's checkpoint, evaluate it on the run's test "
        "images and rewrite results.json.",
    )
    e.add_argument("run_dir", metavar="RUN_DIR")
    add_precision_arg(e, "default: the precision the run trained in")
    options.add_data_args(e)
    e.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..api import evaluate
    from ..runs import RunDir

    run_dir = RunDir.open(args.run_dir)
    args.data_dir = args.data_dir or run_dir.config().data_dir
    results = evaluate(
        run_dir.path,
        data=lambda: options.data_from_args(args),  # after the run's checks, as train does
        progress=not args.quiet,
        precision=args.precision,
    )
    print_results(results, run_dir.path)
    return 0
