"""The `alexnet-cifar` command line: one module per command, shared flags in options.py.
Frameworks are imported only by the commands that need them, so `--help` and `data info` work
with neither torch nor tensorflow installed."""

from __future__ import annotations

import argparse
import os
import sys

from ..errors import AlexNetCifarError
from ..version import __version__
from . import bench, convert, data_info, evaluate, predict, report, study, summary, train
from .options import EPILOG

COMMANDS = (data_info, train, evaluate, summary, convert, study, report, predict, bench)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="alexnet-cifar",
        description="AlexNet on CIFAR-10 in PyTorch and Keras: train from scratch or fine-tune "
        "ImageNet weights, and compare the runs.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        command.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line ``argv`` (default: sys.argv); returns the exit status."""
    # TensorBoard's writer imports TensorFlow when installed; keep its start-up banner quiet.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    args = build_parser().parse_args(argv)
    try:
        return args.func(args) or 0
    except AlexNetCifarError as exc:
        print(f"alexnet-cifar: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("alexnet-cifar: interrupted", file=sys.stderr)
        return 130
