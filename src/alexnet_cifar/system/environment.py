"""What a result records of the software and hardware it ran on (a backend adds its framework's
versions and devices)."""

from __future__ import annotations

import os
import platform
import sys

from ..version import __version__
from .cpuinfo import cpu_model


def environment(extra: dict | None = None) -> dict:
    """Software and hardware facts recorded with every result."""
    return {
        "alexnet_cifar": __version__,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpu": cpu_model(),
        "cpu_count": os.cpu_count(),
        **(extra or {}),
    }


def portable_path(path: str | os.PathLike) -> str:
    """``path`` as records keep it: under the home folder as ``~/...``, else relative to the
    working folder, so a committed record holds no absolute path of the machine it ran on."""
    p = os.path.abspath(os.fspath(path))
    home = os.path.expanduser("~")
    if home not in ("", "/") and (p == home or p.startswith(home + os.sep)):
        return "~" + p[len(home) :]
    return os.path.relpath(p)


def source_commit() -> str | None:
    """The git commit of this package's source where it is a checkout ("+changes" when its
    tracked files differ from the commit); None for an installed wheel or without git."""
    import subprocess
    from pathlib import Path

    here = Path(__file__).resolve().parent
    try:
        git = ["git", "-C", str(here)]
        head = subprocess.run(
            [*git, "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True, timeout=10
        )
        if head.returncode != 0:
            return None
        dirty = subprocess.run(
            [*git, "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return head.stdout.strip() + ("+changes" if dirty else "")
