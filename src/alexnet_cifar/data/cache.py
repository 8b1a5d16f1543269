"""Decoded arrays cached as .npz, keyed by a fingerprint of their source.

A cache file is a convenience, never trusted: its arrays carry a checksum, and a file that does
not load or does not match is rebuilt from the source.
"""

from __future__ import annotations

import hashlib
import json
import os
import warnings
import zipfile
from pathlib import Path

import numpy as np

from ..system import atomic

FORMAT_VERSION = 1
ARRAYS = ("x_train", "y_train", "x_test", "y_test")


def cache_root(cache_dir: str | os.PathLike | None = None) -> Path:
    if cache_dir is not None:
        return Path(cache_dir)
    if os.environ.get("ALEXNET_CIFAR_CACHE"):
        return Path(os.environ["ALEXNET_CIFAR_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "alexnet-cifar"


def fingerprint(parts: list[str]) -> str:
    h = hashlib.sha256(f"v{FORMAT_VERSION}\n".encode())
    for p in parts:
        h.update(p.encode())
        h.update(b"\n")
    return h.hexdigest()[:24]


def _checksum(arrays: dict[str, np.ndarray]) -> str:
    h = hashlib.blake2b(digest_size=16)
    for name in ARRAYS:
        a = np.ascontiguousarray(arrays[name])
        h.update(f"{name}{a.dtype}{a.shape}".encode())
        h.update(memoryview(a).cast("B"))
    return h.hexdigest()


def load(path: Path) -> tuple[dict[str, np.ndarray], dict] | None:
    """The cached arrays and metadata, or None when missing; a bad file is reported and ignored."""
    if not path.exists():
        return None
    try:
        with np.load(path, allow_pickle=False) as f:
            arrays = {k: f[k] for k in ARRAYS}
            meta = json.loads(str(f["meta"]))
        if meta.get("checksum") != _checksum(arrays):
            raise ValueError("checksum mismatch")
        return arrays, meta
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError) as exc:
        warnings.warn(
            f"{path}: corrupt data cache ({exc}); rebuilding it from the source.", stacklevel=2
        )
        return None


def save(path: Path, arrays: dict[str, np.ndarray], meta: dict) -> None:
    """Write the cache; a cache that cannot be written (read-only, full) is a warning only:
    the data are in memory already, the next run decodes them again."""
    meta = {**meta, "checksum": _checksum(arrays), "format": FORMAT_VERSION}
    try:
        with atomic.atomic_path(path, suffix=".npz") as tmp:
            np.savez(tmp, meta=np.array(json.dumps(meta)), **arrays)
    except OSError as exc:
        warnings.warn(
            f"{path}: cannot write the data cache ({exc.strerror or exc}); going on without "
            "it. Point --cache-dir (or ALEXNET_CIFAR_CACHE) at a writable folder to keep it.",
            stacklevel=2,
        )
