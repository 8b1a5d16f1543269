"""What Linux says about the processor (/proc/cpuinfo): its model name, for the records, and its
instruction-set flags, for the precision choice. Elsewhere: the platform's name, no flags."""

from __future__ import annotations

import platform
from pathlib import Path

CPUINFO = "/proc/cpuinfo"


def _field(name: str, cpuinfo: str | Path) -> str | None:
    """The first processor's ``name`` line, or None."""
    try:
        text = Path(cpuinfo).read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith(name):
            return line.partition(":")[2].strip()
    return None


def cpu_model(cpuinfo: str | Path = CPUINFO) -> str:
    """The model name; where a cloud machine's name carries no model number ("AMD EPYC"), the
    CPU family and model beside it, which tell one generation from another (family 25 is
    Zen 3/4, 26 is Zen 5)."""
    name = _field("model name", cpuinfo)
    if not name:
        return platform.processor() or platform.machine()
    family, model = _field("cpu family", cpuinfo), _field("model\t", cpuinfo)
    if family and model and not any(c.isdigit() for c in name):
        return f"{name} (family {family}, model {model})"
    return name


def cpu_flags(cpuinfo: str | Path = CPUINFO) -> set[str]:
    """The instruction-set flags Linux lists for the first processor (empty elsewhere)."""
    return set((_field("flags", cpuinfo) or "").split())
