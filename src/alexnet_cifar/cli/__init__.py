"""The `alexnet-cifar` command line: one module per command, shared flags in options.py.
Frameworks are imported only by the commands that need them, so `--help` and `data info` work
with neither torch nor tensorflow installed."""

from __future__ import annotations

import argparse
import errno
import signal
import sys
import warnings

from ..errors import AlexNetCifarError, Terminated
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
    warnings.formatwarning = _one_line_warning
    args = build_parser().parse_args(argv)
    # a scheduler stops a job with SIGTERM: treat it as Ctrl-C (records kept, resume told)
    try:
        previous = signal.signal(signal.SIGTERM, _interrupt)
    except ValueError:  # not the main thread (an embedding program): leave signals alone
        previous = None
    try:
        return args.func(args) or 0
    except AlexNetCifarError as exc:
        print(f"alexnet-cifar: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"alexnet-cifar: error: {_os_error(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:
        print(f"alexnet-cifar: {exc or 'interrupted'}", file=sys.stderr)
        return 143 if isinstance(exc, Terminated) else 130
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _one_line_warning(message, category, filename, lineno, line=None) -> str:
    return f"alexnet-cifar: warning: {message}\n"


def _interrupt(signum, frame):
    raise Terminated


# what to do about the file-system errors a user meets
_OS_FIXES = {
    errno.ENOSPC: "free some space there, or choose another --out / --cache-dir",
    errno.EDQUOT: "free some space there, or choose another --out / --cache-dir",
    errno.EACCES: "choose a folder you can write to (--out / --cache-dir)",
    errno.EROFS: "choose a folder you can write to (--out / --cache-dir)",
    errno.EPERM: "choose a folder you can write to (--out / --cache-dir)",
    errno.ENOTDIR: "a file stands where a folder is needed; choose another path",
    errno.EEXIST: "a file stands where a folder is needed; choose another path",
}


def _os_error(exc: OSError) -> str:
    where = exc.filename or "a file"
    fix = _OS_FIXES.get(exc.errno, "check the path and try again")
    return f"{where}: {exc.strerror or exc}; {fix}"
