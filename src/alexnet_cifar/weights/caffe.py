"""`bvlc_alexnet.npy` (the Toronto "AlexNet implementation + weights in TensorFlow" file):
a pickled dict ``layer -> [W, b]`` with W already in TensorFlow layout. Read without
``allow_pickle``: the header is parsed and the pickle goes through the restricted unpickler."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..arch import Spec
from ..errors import DataError, WeightsError
from ..system.safe_pickle import safe_load
from .registry import PretrainedSource, local_file

FILE_NAME = "bvlc_alexnet.npy"
LAYERS = ("conv1", "conv2", "conv3", "conv4", "conv5", "fc6", "fc7", "fc8")


def read_npy_dict(path: str | Path) -> dict[str, list[np.ndarray]]:
    path = Path(path)
    try:
        with open(path, "rb") as f:
            version = np.lib.format.read_magic(f)
            if version == (1, 0):
                shape, _, dtype = np.lib.format.read_array_header_1_0(f)
            elif version == (2, 0):
                shape, _, dtype = np.lib.format.read_array_header_2_0(f)
            else:
                raise WeightsError(f"{path}: .npy format version {version} is not supported")
            if dtype != np.dtype(object):
                raise WeightsError(
                    f"{path}: holds a plain {dtype} array of shape {shape}, not the "
                    "layer dict of bvlc_alexnet.npy"
                )
            # Python 2 pickles: latin1 keeps bytes-as-str keys and numpy buffers intact.
            obj = safe_load(f, str(path), encoding="latin1")
    except (ValueError, OSError, EOFError) as exc:
        raise WeightsError(f"{path}: not a readable .npy file ({exc})") from exc
    except DataError as exc:  # the restricted unpickler's refusals and corruption reports
        raise WeightsError(str(exc)) from exc
    if isinstance(obj, np.ndarray) and obj.dtype == object and obj.shape == ():
        obj = obj.item()
    if not isinstance(obj, dict):
        raise WeightsError(f"{path}: expected a dict of layers, found {type(obj).__name__}")
    return obj


def to_keras_layout(spec: Spec, npy: dict, path: str = FILE_NAME) -> dict[str, list[np.ndarray]]:
    """Map conv1..5, fc6..8 onto the Keras layer names of ``spec`` (alexnet-caffe with 1000
    classes), checking every shape. The file's layout is the Keras one (kernels
    (kh, kw, in/groups, out), fc6 rows in H,W,C order)."""
    if spec.name != "alexnet-caffe" or spec.batchnorm:
        raise WeightsError("bvlc_alexnet.npy fits only alexnet-caffe without BatchNorm")
    out = {}
    for npy_name, info in zip(LAYERS, spec.param_layers(), strict=True):
        expected = info.param_shapes()
        if npy_name not in npy:
            raise WeightsError(
                f"{path}: layer {npy_name!r} is missing (expected W {expected[0]} "
                f"and b {expected[1]}); found layers {sorted(npy)}"
            )
        pair = npy[npy_name]
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise WeightsError(f"{path}: layer {npy_name!r} should be [W, b]")
        arrays = [np.asarray(a, dtype=np.float32) for a in pair]
        for what, a, shape in zip(("W", "b"), arrays, expected):
            if a.shape != shape:
                raise WeightsError(
                    f"{path}: layer {npy_name!r} {what}: expected shape {shape}, found {a.shape}"
                )
        out[info.keras_name] = arrays
    return out


def read_imagenet(
    source: PretrainedSource, spec: Spec, path: str | None = None, progress: bool = True
) -> dict[str, list[np.ndarray]]:
    """The registry's reader for ``caffe-npy``: the file (``--weights`` or the cache folder)
    in the Keras layout of ``spec``."""
    found = local_file(path, source)
    return to_keras_layout(spec, read_npy_dict(found), str(found))
