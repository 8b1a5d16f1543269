"""How much of the machine's processor time went to anything but this run while it trained:
the gauge a report uses to tell whether two runs' epoch times saw the same machine.

The load average cannot: it counts the run's own threads, and Keras keeps more of them
runnable than PyTorch does (a lone Keras run on 2 cores reads 2.2-2.4, a lone PyTorch run
2.0), so it moves with the framework under test. This share counts only other processes'
CPU time and the time a virtual machine's host took back (steal)."""

from __future__ import annotations

import psutil


def _own_seconds(process: psutil.Process) -> float:
    """CPU seconds of this process, its finished children and its live descendants (a
    PyTorch loader's worker processes are part of the run)."""
    own = process.cpu_times()
    total = own.user + own.system + own.children_user + own.children_system
    for child in process.children(recursive=True):
        try:
            times = child.cpu_times()
        except psutil.Error:  # ended since it was listed: its time is in children_* once reaped
            continue
        total += times.user + times.system
    return total


def _machine_seconds() -> tuple[float, float]:
    """CPU seconds the machine's processors were busy (a VM host's steal included) and idle,
    summed over processors; the fields a platform lacks count 0 (guest time is in user)."""
    t = psutil.cpu_times()
    busy = sum(getattr(t, k, 0.0) for k in ("user", "nice", "system", "irq", "softirq", "steal"))
    return busy, t.idle + getattr(t, "iowait", 0.0)


class OthersShare:
    """Started at the beginning of an epoch; ``read()`` at its end gives the share (0-1) of the
    machine's processor time that other processes (and a VM host's steal) used in between,
    or None where the system does not tell (the numbers went backwards or no time passed)."""

    def __init__(self) -> None:
        self._process = psutil.Process()
        self._start = self._snapshot()

    def _snapshot(self) -> tuple[float, float, float]:
        busy, idle = _machine_seconds()
        return busy, busy + idle, _own_seconds(self._process)

    def read(self) -> float | None:
        busy, capacity, own = (b - a for a, b in zip(self._start, self._snapshot()))
        if capacity <= 0 or busy < 0 or own < 0:
            return None
        # the two clocks tick apart: own can read a little above busy
        return min(1.0, max(0.0, (busy - own) / capacity))
