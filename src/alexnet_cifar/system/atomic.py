"""Atomic file writes: write beside the target, then rename over it.

A crash or Ctrl-C mid-write leaves the previous file (or none), never a half-written one.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


@contextmanager
def atomic_path(path: str | os.PathLike, suffix: str = "") -> Iterator[Path]:
    """Yield a temporary path in the target's folder; on success rename it onto ``path``.

    ``suffix`` matters for writers that add their own extension (``np.savez`` adds ``.npz``).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=f".tmp{suffix}", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    # mkstemp creates 0600; give the result the permissions a plain open() would.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp_path, 0o666 & ~umask)
    try:
        try:
            yield tmp_path
        except Exception as exc:
            named = isinstance(exc, OSError) and exc.filename is not None
            if not named and _out_of_space(exc, path.parent):
                raise no_space(path) from exc
            raise
        os.replace(tmp_path, path)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


# Below this many free bytes a failed write is taken to be a full disk: every writer here
# leaves at most a block or two unused when it runs out (measured: torch.save on a full 2 MB
# tmpfs leaves 0-4 KiB).
FULL_MARGIN = 1 << 20


def _out_of_space(exc: Exception, folder: Path) -> bool:
    """Whether a writer's failure was the disk filling up. Writers report a short write in
    their own ways: torch.save's zip writer as a RuntimeError ("unexpected pos"), h5py as an
    OSError without an errno; so where the error does not say ENOSPC, ask the disk."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    if isinstance(exc, OSError) and exc.errno is not None:
        return False  # a real errno that is not about space (permissions, a missing folder)
    try:
        return shutil.disk_usage(folder).free < FULL_MARGIN
    except OSError:
        return False


def no_space(path: Path) -> OSError:
    """The OSError the CLI turns into its one line for a full disk, naming ``path``."""
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))


def write_bytes(path: str | os.PathLike, data: bytes) -> None:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def write_text(path: str | os.PathLike, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def write_json(path: str | os.PathLike, obj: Any) -> None:
    write_text(path, json.dumps(obj, indent=2, sort_keys=False, default=_json_default) + "\n")


def _json_default(obj: Any) -> Any:
    # numpy scalars and arrays reach the records from metrics; keep numpy out of this module.
    if hasattr(obj, "tolist"):
        return obj.tolist()
    if isinstance(obj, os.PathLike):
        return os.fspath(obj)
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def append_jsonl(path: str | os.PathLike, obj: Any) -> None:
    """Append one JSON line, flushed and synced, so a crash keeps every finished epoch.
    A full disk can cut the line short: the reader drops a cut last line, and --resume redoes
    that epoch."""
    line = json.dumps(obj, default=_json_default) + "\n"
    with naming(path), open(path, "a", encoding="utf-8") as f:
        f.write(line)
        f.flush()
        os.fsync(f.fileno())


@contextmanager
def naming(path: str | os.PathLike) -> Iterator[None]:
    """Give an OSError raised inside the file's name: a write or flush that fails on a full
    disk says only "No space left on device", and the user needs to know where."""
    try:
        yield
    except OSError as exc:
        if exc.filename is None:
            raise OSError(exc.errno, exc.strerror or str(exc), os.fspath(path)) from exc
        raise
