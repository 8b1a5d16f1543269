"""backends/startup.keep_freed_blocks: with glibc, a large block freed by one training step is
reused by the next instead of being unmapped and faulted in again page by page; a user's own
malloc settings win."""

import ctypes
import os
import platform
import subprocess
import sys

import pytest

from alexnet_cifar.backends import startup
from alexnet_cifar.errors import ConfigError

glibc = pytest.mark.skipif(
    not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
    reason="glibc's malloc only",
)


# Run in a fresh interpreter: in a process that has already trained (earlier tests), a freed
# block of the size may sit in the middle of the heap, where glibc reuses it whatever the
# settings, so the glibc-defaults case would measure nothing.
FAULTS_OF_A_BLOCK_AGAIN = """
import resource, sys
import numpy as np
from alexnet_cifar.backends import startup
print(startup.keep_freed_blocks())
mb = 256
block = np.ones(mb << 18, dtype=np.float32)  # a step's activations, freed once before
del block
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
block = np.ones(mb << 18, dtype=np.float32)
del block
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def faults_of_a_block_again(**env: str) -> tuple[str, int]:
    """Whether keep_freed_blocks set glibc, and the page faults of writing a 256 MB block
    again after it was freed once, in a fresh interpreter with ``env`` added."""
    base = {k: v for k, v in os.environ.items() if k not in (startup.KEEP_FREED, "GLIBC_TUNABLES")}
    done = subprocess.run(
        [sys.executable, "-c", FAULTS_OF_A_BLOCK_AGAIN],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    kept, faults = done.stdout.split()
    return kept, int(faults)


@glibc
def test_a_freed_block_is_reused_without_faulting_its_pages_in_again():
    assert faults_of_a_block_again() == ("True", pytest.approx(0, abs=10))
    # glibc's own behaviour: 128 faults for 256 MB in huge pages, 65,536 in 4 KiB pages
    kept, faults = faults_of_a_block_again(**{startup.KEEP_FREED: "0"})
    assert kept == "False" and faults >= 100


@pytest.mark.parametrize("value", ["false", "yes", ""])
def test_a_keep_freed_value_other_than_0_or_1_is_refused_by_name(monkeypatch, value):
    monkeypatch.setenv(startup.KEEP_FREED, value)
    with pytest.raises(ConfigError, match=f"{startup.KEEP_FREED}=.*set it to 1 or 0"):
        startup.keep_freed_blocks()


@pytest.mark.parametrize(
    "env", [{startup.KEEP_FREED: "0"}, {"GLIBC_TUNABLES": "glibc.malloc.arena_max=2"}]
)
def test_a_users_own_malloc_setting_is_kept(monkeypatch, env):
    calls = []
    monkeypatch.setattr(ctypes, "CDLL", lambda *a: calls.append(a))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert startup.keep_freed_blocks() is False
    assert calls == []
