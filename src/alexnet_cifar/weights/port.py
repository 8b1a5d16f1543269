"""Port weights between the PyTorch layout and the Keras layout of one spec, in NumPy.

PyTorch: a state_dict, ``features.N.weight`` (O, I/g, kh, kw), ``classifier.N.weight`` (out, in),
BatchNorm ``weight/bias/running_mean/running_var``; its flatten is C,H,W.
Keras: per layer ``features_N`` / ``classifier_N`` a list ``[kernel, bias]`` with conv kernels
(kh, kw, I/g, O) and dense kernels (in, out), BatchNorm ``[gamma, beta, mean, var]``; its
flatten is H,W,C, so the first dense layer's rows are re-ordered.
"""

from __future__ import annotations

import numpy as np

from ..arch import LayerKind, Spec
from ..errors import WeightsError

BN_TORCH = ("weight", "bias", "running_mean", "running_var")


def _first_linear(spec: Spec) -> str:
    return next(r.name for r in spec.param_layers() if r.layer.kind is LayerKind.LINEAR)


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
    for info in spec.param_layers():
        prefix, name, kind = info.name, info.keras_name, info.layer.kind
        if kind is LayerKind.BATCHNORM:
            out[name] = [_need(sd, f"{prefix}.{k}") for k in BN_TORCH]
            continue
        w, b = _need(sd, f"{prefix}.weight"), _need(sd, f"{prefix}.bias")
        if kind is LayerKind.CONV:
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
    for info in spec.param_layers():
        prefix, name, kind = info.name, info.keras_name, info.layer.kind
        if name not in weights:
            raise WeightsError(f"weights lack layer {name!r}; they are not of this model")
        arrays = [np.asarray(a, dtype=np.float32) for a in weights[name]]
        if kind is LayerKind.BATCHNORM:
            sd.update({f"{prefix}.{k}": a for k, a in zip(BN_TORCH, arrays)})
            continue
        k, b = arrays
        if kind is LayerKind.CONV:
            sd[f"{prefix}.weight"] = k.transpose(3, 2, 0, 1)
        elif prefix == fc1:
            sd[f"{prefix}.weight"] = hwc_to_chw_rows(k, chw)
        else:
            sd[f"{prefix}.weight"] = k.T
        sd[f"{prefix}.bias"] = b
    return sd


def check_shapes(
    expected: dict[str, list[tuple]], found: dict[str, list[tuple]], fresh, unit: str
) -> None:
    """Weights ``found`` (name -> the shapes of its arrays) against a model's ``expected``, in
    either framework (``unit``: "key" for a state_dict, "layer" for Keras): every name there
    with its shapes, nothing more; only the names in ``fresh`` (a new head) may be missing."""

    def bare(s: list[tuple]) -> str:
        return str(s[0]) if len(s) == 1 else str(s)

    def shapes(s: list[tuple]) -> str:
        return f"shape{'s' * (len(s) != 1)} {bare(s)}"

    for name, want in expected.items():
        if name in fresh and name not in found:
            continue
        if name not in found:
            raise WeightsError(f"weights lack {unit} {name!r} (expected {shapes(want)})")
        if found[name] != want:
            raise WeightsError(f"{name}: expected {shapes(want)}, found {bare(found[name])}")
    extra = sorted(set(found) - set(expected))
    if extra:
        raise WeightsError(f"weights hold {', '.join(extra[:5])}, which this model lacks")


def convert_weights(spec: Spec, weights: dict, src: str, dst: str) -> dict:
    """Weights in framework ``src``'s layout -> framework ``dst``'s (pytorch | keras)."""
    if src == dst:
        return weights
    return torch_to_keras(spec, weights) if src == "pytorch" else keras_to_torch(spec, weights)
