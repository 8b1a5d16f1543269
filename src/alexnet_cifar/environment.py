"""What a result records of the software and hardware it ran on (a backend adds its framework's
versions and devices)."""

from __future__ import annotations

import os
import platform
import sys

from .cpuinfo import cpu_model
from .version import __version__


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
