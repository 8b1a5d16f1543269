"""What must happen before a framework is imported, in one place.

- torch and torchvision go before TensorFlow: imported the other way round, their two bundled
  LLVMs collide (triton's and XLA's) and the process segfaults.
- TensorFlow's C++ start-up notices (oneDNN, CUDA stubs, cuInit on a machine without a GPU) are
  written to the stderr file descriptor before its log settings apply, so TF_CPP_MIN_LOG_LEVEL
  cannot hide them: they are held back during the import and dropped; any other line written
  meanwhile is passed on. A user who sets TF_CPP_MIN_LOG_LEVEL sees everything TensorFlow says.
- glibc is told to keep freed memory for reuse before either framework allocates
  (keep_freed_blocks).
"""

from __future__ import annotations

import ctypes
import os
import platform
import re
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from ..errors import ConfigError

# Informational lines of a TensorFlow start-up (2.21), none of which asks anything of a user
STARTUP_NOTICES = re.compile(
    "|".join(
        (
            r"All log messages before absl::InitializeLog\(\) is called",
            r"oneDNN custom operations are on",
            r"cudart_stub\.cc",
            r"Could not find cuda drivers",
            r"failed call to cuInit",
            r"cpu_feature_guard\.cc",
            r"This TensorFlow binary is optimized to use available CPU instructions",
            r"To enable the following instructions",
            r"rebuild TensorFlow with the appropriate compiler flags",
            r"Unable to register cu(DNN|FFT|BLAS) factory",
            r"computation placer already registered",
        )
    )
)


# torch's CPU allocator hands every block back to the system when it is freed, so each batch's
# large tensors (a 224 px batch of 128 is 77 MB) are faulted in again 4 KiB page by page:
# measured on a 2-core AMD EPYC Zen 4, one thread, the input pipeline's 224 px batch of 128
# took 97 ms of CPU time, 42 ms with transparent huge pages for blocks of 2 MB or more (torch
# reads this once, at its first allocation). TensorFlow's allocator keeps its blocks.
# (Measured before keep_freed_blocks below; with it, a block is faulted in once, at its first
# use.) A user's own setting is kept; 0 turns it off.
HUGE_PAGES = ("THP_MEM_ALLOC_ENABLE", "1")
# glibc's mallopt parameters (malloc.h)
M_TRIM_THRESHOLD, M_MMAP_MAX = -1, -4
KEEP_FREED = "ALEXNET_CIFAR_KEEP_FREED_MEMORY"  # 0: glibc's own behaviour


def keep_freed_blocks() -> bool:
    """glibc serves a block above its mmap threshold (at most 32 MB) with mmap and unmaps it
    when freed, so a 224 px training step, whose activations are such blocks, faults every
    page of them in again at each step: 0.3-1.2 s of kernel time a step on a 2-core AMD EPYC
    Zen 4 (bf16, batch 128), up to a third of the step's wall time. Serving every block from
    the heap and keeping the freed ones (up to 2 GiB at its top) lets the next step reuse them;
    the process keeps its peak memory until it ends, as TensorFlow's allocator does. Only with
    glibc, and not where the user has set glibc's malloc tunables (GLIBC_TUNABLES) or
    KEEP_FREED to 0 (any value but 0 or 1 is a ConfigError). True when set."""
    choice = os.environ.get(KEEP_FREED, "1")
    if choice not in ("0", "1"):
        raise ConfigError(
            f"{KEEP_FREED}={choice!r} is neither 1 (keep freed memory for reuse, the default) "
            f"nor 0 (glibc's own behaviour); set it to 1 or 0, or unset it"
        )
    if choice == "0":
        return False
    if "glibc.malloc." in os.environ.get("GLIBC_TUNABLES", ""):
        return False
    if not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc":
        return False
    libc = ctypes.CDLL(None)
    # both (hence & over `and`): without the threshold, the heap's freed top is handed back
    # all the same; mallopt answers 1 when it took a value
    return bool(libc.mallopt(M_MMAP_MAX, 0)) & bool(libc.mallopt(M_TRIM_THRESHOLD, 2**31 - 1))


def import_torch_first() -> None:
    """Where torch is installed, torch and torchvision are imported now, before TensorFlow;
    freed memory is kept for reuse first (keep_freed_blocks)."""
    os.environ.setdefault(*HUGE_PAGES)
    keep_freed_blocks()
    try:
        import torch  # noqa: F401
        import torchvision  # noqa: F401
    except ImportError:
        pass


@contextmanager
def tensorflow_notices_held() -> Iterator[None]:
    """Around TensorFlow's import and first device query: its start-up notices are dropped,
    anything else written to stderr meanwhile is written after it."""
    if "TF_CPP_MIN_LOG_LEVEL" in os.environ:  # the user's (or an earlier import's) choice
        yield
        return
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"  # once absl is set up: warnings and errors only
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as held:
        os.dup2(held.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            held.seek(0)
            text = held.read().decode(errors="replace")
            kept = [l for l in text.splitlines(keepends=True) if not STARTUP_NOTICES.search(l)]
            if kept:
                sys.stderr.write("".join(kept))
                sys.stderr.flush()
