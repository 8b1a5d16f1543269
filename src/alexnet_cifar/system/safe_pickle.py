"""A restricted unpickler for the two pickles this project reads from outside.

CIFAR-10 batches and ``bvlc_alexnet.npy`` are pickles; a plain ``pickle.load`` would run any
callable a tampered file names. This one admits only what those files contain: dicts, lists,
strings, bytes, numbers and numpy arrays.
"""

from __future__ import annotations

import io
import pickle
from typing import Any, BinaryIO

from ..errors import DataError, UnsafePickleError

# The globals a numpy array (or scalar) needs to be rebuilt; numpy 2 renamed numpy.core to
# numpy._core, and files written by either name must load.
_ALLOWED = {
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"),
    ("numpy._core.multiarray", "scalar"),
    ("_codecs", "encode"),  # Python 2 pickles of byte strings go through it
}


class _RestrictedUnpickler(pickle.Unpickler):
    def __init__(self, file: BinaryIO, source: str, **kwargs: Any):
        super().__init__(file, **kwargs)
        self._source = source

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise UnsafePickleError(
            f"{self._source}: refused to unpickle: it asks for '{module}.{name}', which a "
            "CIFAR-10 batch or weights file never contains. The file is not what it claims to "
            "be; delete it and get a fresh copy from the official source."
        )


def safe_load(file: BinaryIO | bytes, source: str, encoding: str = "bytes") -> Any:
    """Unpickle ``file`` admitting only containers, scalars and numpy arrays.

    ``source`` names the file in error messages. ``encoding='bytes'`` reads Python 2 pickles
    (the official CIFAR-10 batches) without guessing a text encoding.
    """
    if isinstance(file, (bytes, bytearray)):
        file = io.BytesIO(file)
    try:
        return _RestrictedUnpickler(file, source, encoding=encoding).load()
    except UnsafePickleError:
        raise
    except (
        pickle.UnpicklingError,
        EOFError,
        ValueError,
        TypeError,
        AttributeError,
        IndexError,
        KeyError,
        MemoryError,
    ) as exc:
        raise DataError(
            f"{source}: not a readable pickle ({type(exc).__name__}: {exc}); the file is "
            "truncated or corrupt. Delete it and get a fresh copy."
        ) from exc
