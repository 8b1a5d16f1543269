"""Port weights between the PyTorch layout and the Keras layout of one spec, in NumPy.

PyTorch: a state_dict, ``features.N.weight`` (O, I/g, kh, kw), ``classifier.N.weight`` (out, in),
BatchNorm ``weight/bias/running_mean/running_var``; its flatten is C,H,W.
Keras: per layer ``features_N`` / ``classifier_N`` a list ``[kernel, bias]`` with conv kernels
(kh, kw, I/g, O) and dense kernels (in, out), BatchNorm ``[gamma, beta, mean, var]``; its
flatten is H,W,C, so the first dense layer's rows are re-ordered (design.md §3).
"""

from __future__ import annotations

import numpy as np

from ..arch import Spec
from ..errors import WeightsError

BN_TORCH = ("weight", "bias", "running_mean", "running_var")


def param_layers(spec: Spec) -> list[tuple[str, str, object]]:
    """(torch prefix, keras layer name, layer) for every layer that holds weights."""
    out = []
    for section, layers in (("features", spec.features), ("classifier", spec.classifier)):
        for i, layer in enumerate(layers):
            if layer.kind in ("conv", "batchnorm", "linear"):
                out.append((f"{section}.{i}", f"{section}_{i}", layer))
    return out


def _first_linear(spec: Spec) -> str:
    return next(t for t, _, l in param_layers(spec) if l.kind == "linear")


def chw_to_hwc_rows(w: np.ndarray, chw: tuple[int, int, int]) -> np.ndarray:
    """torch FC1 weight (out, C*H*W) -> Keras kernel (H*W*C, out)."""
    c, h, wd = chw
    return w.reshape(w.shape[0], c, h, wd).transpose(2, 3, 1, 0).reshape(h * wd * c, w.shape[0])


def hwc_to_chw_rows(k: np.ndarray, chw: tuple[int, int, int]) -> np.ndarray:
    """Keras FC1 kernel (H*W*C, out) -> torch weight (out, C*H*W)."""
    c, h, wd = chw
    return k.reshape(h, wd, c, k.shape[1]).transpose(3, 2, 0, 1).reshape(k.shape[1], c * h * wd)


def _need(sd: dict, key: str, shape: tuple | None = None) -> np.ndarray:
    if key not in sd:
        raise WeightsError(f"weights lack {key!r}; they are not of this model")
    a = np.asarray(sd[key], dtype=np.float32)
    if shape is not None and a.shape != tuple(shape):
        raise WeightsError(f"{key}: expected shape {tuple(shape)}, found {a.shape}")
    return a


def torch_to_keras(spec: Spec, sd: dict[str, np.ndarray]) -> dict[str, list[np.ndarray]]:
    fc1 = _first_linear(spec)
    chw = spec.feature_shape()
    out = {}
    for prefix, name, layer in param_layers(spec):
        if layer.kind == "batchnorm":
            out[name] = [_need(sd, f"{prefix}.{k}") for k in BN_TORCH]
            continue
        w, b = _need(sd, f"{prefix}.weight"), _need(sd, f"{prefix}.bias")
        if layer.kind == "conv":
            out[name] = [w.transpose(2, 3, 1, 0), b]
        elif prefix == fc1:
            out[name] = [chw_to_hwc_rows(w, chw), b]
        else:
            out[name] = [w.T, b]
    return out


def keras_to_torch(spec: Spec, weights: dict[str, list[np.ndarray]]) -> dict[str, np.ndarray]:
    fc1 = _first_linear(spec)
    chw = spec.feature_shape()
    sd = {}
    for prefix, name, layer in param_layers(spec):
        if name not in weights:
            raise WeightsError(f"weights lack layer {name!r}; they are not of this model")
        arrays = [np.asarray(a, dtype=np.float32) for a in weights[name]]
        if layer.kind == "batchnorm":
            sd.update({f"{prefix}.{k}": a for k, a in zip(BN_TORCH, arrays)})
            continue
        k, b = arrays
        if layer.kind == "conv":
            sd[f"{prefix}.weight"] = k.transpose(3, 2, 0, 1)
        elif prefix == fc1:
            sd[f"{prefix}.weight"] = hwc_to_chw_rows(k, chw)
        else:
            sd[f"{prefix}.weight"] = k.T
        sd[f"{prefix}.bias"] = b
    return sd
