"""`alexnet-cifar report`: tables, figures and findings from run directories."""

from __future__ import annotations

import argparse
import sys

from ..errors import ConfigError, DataError
from . import options
from .study import add_lang_arg


def register(sub) -> None:
    rp = sub.add_parser(
        "report",
        help="tables, figures and findings from run directories",
        description="Write DIR/report/report.<lang>.md and .html from a study "
        "folder (or any folder of run directories).",
    )
    rp.add_argument("dir", metavar="DIR")
    add_lang_arg(rp)
    rp.add_argument("--format", default="md,html", help="md, html or md,html (default)")
    # the gallery of test images reads CIFAR-10 where it is already (never downloads it)
    options.add_data_args(rp)
    rp.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..report import FORMATS, write_report

    formats = [f.strip() for f in args.format.split(",") if f.strip()]
    bad = sorted(set(formats) - set(FORMATS))
    if bad or not formats:
        raise ConfigError(f"--format {args.format}: choose md, html or md,html")
    args.no_download = True
    try:
        cifar = options.data_from_args(args)
    except DataError as exc:
        print(f"alexnet-cifar: no gallery of test images: {exc}", file=sys.stderr)
        cifar = None
    for path in write_report(args.dir, langs=args.lang, formats=formats, cifar=cifar):
        print(f"report: {path}")
    return 0
