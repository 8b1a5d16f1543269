"""The `alexnet-cifar` command line. Frameworks are imported only by the subcommands that need
them, so `--help` and `data info` work with neither torch nor tensorflow installed."""

from __future__ import annotations

import argparse
import json
import os
import sys

from . import __version__
from .errors import AlexNetCifarError

EPILOG = """\
data sources, in order: --data-dir, $ALEXNET_CIFAR_DATA, the cache folder
($ALEXNET_CIFAR_CACHE or $XDG_CACHE_HOME/alexnet-cifar), then a download of the official
archive. A source is cifar-10-python.tar.gz, a cifar-10-batches-py/ folder, or an image
folder train/<class>/*.png + test/<class>/*.png.
"""


def _add_data_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("data")
    g.add_argument("--data-dir", metavar="PATH",
                   help="cifar-10-python.tar.gz, a cifar-10-batches-py/ folder or an image folder "
                        "(default: $ALEXNET_CIFAR_DATA, then the cache, then download)")
    g.add_argument("--cache-dir", metavar="DIR",
                   help="where the archive and decoded arrays are cached "
                        "(default: $ALEXNET_CIFAR_CACHE or ~/.cache/alexnet-cifar)")
    g.add_argument("--no-download", action="store_true",
                   help="fail instead of downloading when no local copy is found")
    g.add_argument("--no-verify", action="store_true",
                   help="skip the md5 checks of the official files (for your own data in that format)")


def load_data_from_args(args):
    from .data import load_cifar10
    return load_cifar10(args.data_dir, cache_dir=args.cache_dir,
                        download_missing=not args.no_download, verify=not args.no_verify,
                        progress=not getattr(args, "quiet", False))


def cmd_data_info(args) -> int:
    from .data import describe
    info = describe(load_data_from_args(args))
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
    fmt = lambda v: "(" + ", ".join(f"{x:.4f}" for x in v) + ")"  # noqa: E731
    print(f"train mean:    {fmt(info['train_mean'])} (R, G, B on 0..1)")
    print(f"train std:     {fmt(info['train_std'])}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="alexnet-cifar",
        description="AlexNet on CIFAR-10 in PyTorch and Keras: train from scratch or fine-tune "
                    "ImageNet weights, and compare the runs.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    data = sub.add_parser("data", help="inspect the CIFAR-10 copy that the other commands use")
    data_sub = data.add_subparsers(dest="data_command", metavar="ACTION", required=True)
    info = data_sub.add_parser("info", help="source, verification, images per split and class, "
                                            "per-channel mean and std",
                               epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_data_args(info)
    info.add_argument("--json", action="store_true", help="print JSON instead of a table")
    info.add_argument("--quiet", action="store_true", help="no progress bars")
    info.set_defaults(func=cmd_data_info)

    from . import commands
    commands.register(sub, _add_data_args)
    return parser


def main(argv: list[str] | None = None) -> int:
    # TensorBoard's writer imports TensorFlow when installed; keep its start-up banner quiet.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args) or 0
    except AlexNetCifarError as exc:
        print(f"alexnet-cifar: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("alexnet-cifar: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
