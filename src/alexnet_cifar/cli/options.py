"""Flags shared by several commands, in one place: the data source, the model, and every
``train`` flag, generated from TrainConfig's field metadata so a new option is written once."""

from __future__ import annotations

import argparse
from dataclasses import fields
from typing import Any

from ..config import TrainConfig
from ..data import Cifar10

EPILOG = """\
data sources, in order: --data-dir, $ALEXNET_CIFAR_DATA, the cache folder
($ALEXNET_CIFAR_CACHE or $XDG_CACHE_HOME/alexnet-cifar), then a download of the official
archive. A source is cifar-10-python.tar.gz, a cifar-10-batches-py/ folder, or an image
folder train/<class>/*.png + test/<class>/*.png.
"""
CONFIG_KEYS = {f.name for f in fields(TrainConfig)}
MODEL_FLAGS = ("framework", "model", "batchnorm", "num_classes", "input_size")


def add_data_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("data")
    g.add_argument(
        "--data-dir",
        metavar="PATH",
        help="cifar-10-python.tar.gz, a cifar-10-batches-py/ folder or an image folder "
        "(default: $ALEXNET_CIFAR_DATA, then the cache, then download)",
    )
    g.add_argument(
        "--cache-dir",
        metavar="DIR",
        help="where the archive and decoded arrays are cached "
        "(default: $ALEXNET_CIFAR_CACHE or ~/.cache/alexnet-cifar)",
    )
    g.add_argument(
        "--no-download",
        action="store_true",
        help="fail instead of downloading when no local copy is found",
    )
    g.add_argument(
        "--no-verify",
        action="store_true",
        help="skip the md5 checks of the official files (for your own data in that format)",
    )
    g.add_argument("--quiet", action="store_true", help="no progress bars")


def data_from_args(args: argparse.Namespace) -> Cifar10:
    """CIFAR-10 from the data flags of ``args``."""
    from ..data import load_cifar10

    return load_cifar10(
        args.data_dir,
        cache_dir=args.cache_dir,
        download_missing=not args.no_download,
        verify=not args.no_verify,
        progress=not args.quiet,
    )


def check_data_args(args: argparse.Namespace) -> None:
    """Fail now, before anything is written, when the data flags point at no CIFAR-10."""
    from ..data import check_source

    check_source(args.data_dir, cache_dir=args.cache_dir, download_missing=not args.no_download)


def add_precision_arg(p: argparse.ArgumentParser, default_text: str, default=None) -> None:
    """--precision for the commands that take no other TrainConfig flag (evaluate, predict)."""
    from ..config import PRECISIONS

    p.add_argument(
        "--precision",
        choices=PRECISIONS,
        default=default,
        help=f"arithmetic precision; auto: bf16 where the device has it natively, fp16 on "
        f"older GPUs, else fp32 ({default_text})",
    )


def _flag_type(annotation: Any) -> type:
    text = str(annotation)
    return int if "int" in text else float if "float" in text else str


def add_config_flags(
    p: argparse.ArgumentParser, names: tuple[str, ...] | None = None, suppress: bool = False
) -> None:
    """One flag per TrainConfig field (``names``, else every field meant for the CLI), in the
    field's group, with its help, choices and default. ``suppress``: flags not given stay out
    of the namespace, so a resumed run can tell them apart."""
    groups: dict[str, Any] = {}
    for f in fields(TrainConfig):
        meta = f.metadata
        if (names is None and not meta["cli"]) or (names is not None and f.name not in names):
            continue
        group = groups.get(meta["group"]) or groups.setdefault(
            meta["group"], p.add_argument_group(meta["group"])
        )
        flag, kwargs = "--" + f.name.replace("_", "-"), {"help": meta["help"]}
        if isinstance(f.default, bool):
            if f.default:  # a switch that is on: the flag turns it off
                flag = "--no-" + f.name.replace("_", "-")
                kwargs["help"] = f"turn off: {meta['help']}"
            kwargs.update(action="store_false" if f.default else "store_true", dest=f.name)
        else:
            kwargs.update(type=_flag_type(f.type), choices=meta["choices"], metavar=meta["metavar"])
            if meta.get("nargs"):
                kwargs["nargs"] = meta["nargs"]
            if f.default is not None:
                kwargs["help"] += f" (default: {f.default})"
        kwargs["default"] = argparse.SUPPRESS if suppress else f.default
        group.add_argument(flag, **kwargs)


def config_values(args: argparse.Namespace) -> dict[str, Any]:
    """The TrainConfig fields present in ``args``."""
    return {k: v for k, v in vars(args).items() if k in CONFIG_KEYS}
