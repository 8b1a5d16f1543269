"""`alexnet-cifar data info`: which CIFAR-10 copy is used, and what is in it."""

from __future__ import annotations

import argparse
import json

from . import options


def register(sub) -> None:
    data = sub.add_parser("data", help="inspect the CIFAR-10 copy that the other commands use")
    data_sub = data.add_subparsers(dest="data_command", metavar="ACTION", required=True)
    info = data_sub.add_parser(
        "info",
        help="source, verification, images per split and class, per-channel mean and std",
        epilog=options.EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    options.add_data_args(info)
    info.add_argument("--json", action="store_true", help="print JSON instead of a table")
    info.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..data import describe

    info = describe(options.data_from_args(args))
    if args.json:
        print(json.dumps(info, indent=2))
        return 0
    print(f"source:        {info['source']} ({info['kind']})")
    print(f"verification:  {info['verification']}")
    print(f"decoded from:  {'cache' if info['from_cache'] else 'source'}")
    print(f"image shape:   {'x'.join(map(str, info['image_shape']))} (H x W x C, uint8)")
    print(f"images:        {info['splits']['train']:,} train, {info['splits']['test']:,} test")
    width = max(map(len, info["per_class"]["train"]))
    print(f"{'class':<{width}}  {'train':>6}  {'test':>6}")
    for name, n in info["per_class"]["train"].items():
        print(f"{name:<{width}}  {n:>6,}  {info['per_class']['test'][name]:>6,}")
    print(f"train mean:    {_triple(info['train_mean'])} (R, G, B on 0..1)")
    print(f"train std:     {_triple(info['train_std'])}")
    return 0


def _triple(values) -> str:
    return "(" + ", ".join(f"{x:.4f}" for x in values) + ")"
