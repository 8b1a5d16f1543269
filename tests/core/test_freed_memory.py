"""backends/startup.keep_freed_blocks: with glibc, a large block freed by one training step is
reused by the next instead of being unmapped and faulted in again page by page; a user's own
malloc settings win."""

import ctypes
import platform
import resource
import sys

import numpy as np
import pytest

from alexnet_cifar.backends import startup

glibc = pytest.mark.skipif(
    not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
    reason="glibc's malloc only",
)


def faults_of_a_block_again(mb: int = 256) -> int:
    """Page faults of writing a block of ``mb`` MB, freed once before (a step's activations)."""
    block = np.ones(mb << 18, dtype=np.float32)
    del block
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    block = np.ones(mb << 18, dtype=np.float32)
    del block
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


@glibc
def test_a_freed_block_is_reused_without_faulting_its_pages_in_again(monkeypatch):
    monkeypatch.delenv(startup.KEEP_FREED, raising=False)
    monkeypatch.delenv("GLIBC_TUNABLES", raising=False)
    assert startup.keep_freed_blocks()
    assert faults_of_a_block_again() < 10
    libc = ctypes.CDLL(None)
    try:
        # glibc's defaults: large blocks mapped, the heap's free top handed back
        libc.mallopt(startup.M_MMAP_MAX, 65536)
        libc.mallopt(startup.M_TRIM_THRESHOLD, 128 * 1024)
        libc.malloc_trim(0)
        # 128 faults for 256 MB in huge pages, 65,536 in 4 KiB pages
        assert faults_of_a_block_again() >= 100
    finally:
        assert startup.keep_freed_blocks()


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
