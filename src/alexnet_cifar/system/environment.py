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
    """The git commit of this package's source where it is a checkout ("+changes" when the
    package's tracked files differ from the commit; results or docs changed beside it do not
    count); None for an installed wheel or without git."""
    found = _git_source()
    return None if found is None else found[0] + ("+changes" if found[2] else "")


def source_tree() -> str | None:
    """The git tree of the package's source at HEAD: it stays the same while only results and
    docs are committed beside it, so a study resumed after committing its finished runs is
    still running the code it started with."""
    found = _git_source()
    return None if found is None else found[1]


def _git_source() -> tuple[str, str, bool] | None:
    """(short commit, tree of the package folder at it, whether that folder has changes)."""
    import subprocess
    from pathlib import Path

    package = Path(__file__).resolve().parents[1]
    git = ["git", "-C", str(package)]

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*git, *args], capture_output=True, text=True, timeout=10)

    try:
        head = run("rev-parse", "--short=12", "HEAD")
        tree = run("rev-parse", "HEAD:./")
        if head.returncode != 0 or tree.returncode != 0:
            return None
        dirty = run("status", "--porcelain", "--untracked-files=no", "--", ".").stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return head.stdout.strip(), tree.stdout.strip(), bool(dirty)
