"""The PyTorch AlexNet, built layer by layer from an arch.Spec.

Module names follow torchvision (`features`, `avgpool`, `classifier`), so for the `alexnet`
spec without BatchNorm the state_dict keys equal `torchvision.models.alexnet`'s.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from ...arch import INIT_LINEAR_STD, LRN_ALPHA, LRN_BETA, LRN_K, LRN_SIZE, Layer, Spec


def _feature_layer(layer: Layer, in_channels: int) -> nn.Module:
    if layer.kind == "conv":
        return nn.Conv2d(in_channels, layer.out, layer.kernel, layer.stride, layer.padding,
                         groups=layer.groups)
    if layer.kind == "relu":
        return nn.ReLU(inplace=True)
    if layer.kind == "lrn":
        # PyTorch divides alpha by the window size itself, as Caffe does.
        return nn.LocalResponseNorm(LRN_SIZE, alpha=LRN_ALPHA, beta=LRN_BETA, k=LRN_K)
    if layer.kind == "maxpool":
        return nn.MaxPool2d(layer.kernel, layer.stride)
    if layer.kind == "batchnorm":
        return nn.BatchNorm2d(in_channels)
    raise ValueError(f"no PyTorch layer for {layer.kind!r} in features")


class AlexNet(nn.Module):
    """Takes a preprocessed NCHW float batch at ``spec.input_size``; returns logits."""

    def __init__(self, spec: Spec):
        super().__init__()
        self.spec = spec
        layers, channels = [], 3
        for layer in spec.features:
            layers.append(_feature_layer(layer, channels))
            channels = layer.out if layer.kind == "conv" else channels
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(spec.pool_to) if spec.pool_to else nn.Identity()
        units = spec.feature_shape()
        units = units[0] * units[1] * units[2]
        head = []
        for layer in spec.classifier:
            if layer.kind == "linear":
                head.append(nn.Linear(units, layer.out))
                units = layer.out
            elif layer.kind == "relu":
                head.append(nn.ReLU(inplace=True))
            elif layer.kind == "dropout":
                head.append(nn.Dropout(layer.p))
            else:
                raise ValueError(f"no PyTorch layer for {layer.kind!r} in classifier")
        self.classifier = nn.Sequential(*head)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0.0, INIT_LINEAR_STD)
                nn.init.zeros_(m.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.avgpool(self.features(x))
        return self.classifier(torch.flatten(x, 1))


def build(spec: Spec) -> AlexNet:
    return AlexNet(spec)


# -- weight I/O, the same four functions in both backends ---------------------------------
def export_weights(model: AlexNet) -> dict:
    """state_dict as float32 NumPy arrays (BatchNorm's batch counter left out)."""
    return {k: v.detach().cpu().numpy() for k, v in model.state_dict().items()
            if not k.endswith("num_batches_tracked")}


def import_weights(model: AlexNet, weights: dict, allow_missing: bool = False) -> set[str]:
    """Copy ``weights`` in; with ``allow_missing`` (a new head) keys the weights lack keep
    their fresh initialisation. Returns those keys."""
    from ...errors import WeightsError
    own = model.state_dict()
    fresh = set()
    for key, target in own.items():
        if key.endswith("num_batches_tracked"):
            continue
        if key not in weights and allow_missing:
            fresh.add(key)
            continue
        if key not in weights:
            raise WeightsError(f"weights lack {key!r} (expected shape {tuple(target.shape)})")
        if tuple(weights[key].shape) != tuple(target.shape):
            raise WeightsError(f"{key}: expected shape {tuple(target.shape)}, found "
                               f"{tuple(weights[key].shape)}")
    extra = sorted(set(weights) - set(own))
    if extra:
        raise WeightsError(f"weights hold {', '.join(extra[:5])}, which this model lacks")
    with torch.no_grad():
        for key, value in weights.items():
            own[key].copy_(torch.as_tensor(value))
    return fresh


def load_file(path, spec: Spec | None = None) -> dict:
    """A state_dict file (.pt/.pth), or a run checkpoint; never unpickles code."""
    from ...errors import WeightsError
    try:
        obj = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises UnpicklingError, RuntimeError, OSError...
        raise WeightsError(f"{path}: not a loadable PyTorch weights file ({exc})") from exc
    if isinstance(obj, dict) and "model" in obj and isinstance(obj["model"], dict):
        obj = obj["model"]  # a run checkpoint
    return {k: v.numpy() for k, v in obj.items() if not k.endswith("num_batches_tracked")}


def torchvision_state_dict(path: str | None = None, progress: bool = True) -> dict:
    """torchvision's AlexNet_Weights.IMAGENET1K_V1 as NumPy arrays: a local file, else the
    torch.hub cache, else a download (torch.hub checks the hash in the file name)."""
    from ...errors import WeightsError
    from ...weights import sources
    if path is not None:
        return load_file(sources.explicit_file(path, sources.TORCHVISION_FILE))
    from torchvision.models import AlexNet_Weights
    weights = AlexNet_Weights.IMAGENET1K_V1
    try:
        sd = weights.get_state_dict(progress=progress, check_hash=True, weights_only=True)
    except (OSError, RuntimeError, ValueError) as exc:  # URLError is an OSError
        raise WeightsError(sources.offline_message(
            "torchvision's AlexNet ImageNet weights", weights.url, sources.torch_hub_dir(),
            sources.TORCHVISION_FILE, str(exc))) from exc
    return {k: v.numpy() for k, v in sd.items()}


def save_file(model: AlexNet, path) -> None:
    from ... import atomic
    with atomic.atomic_path(path) as tmp:
        torch.save(model.state_dict(), tmp)


def predict_proba(model: AlexNet, images, normalization) -> np.ndarray:
    """Softmax probabilities for uint8 NHWC images, through the training input pipeline."""

    from ...preprocess import get_augmentation
    from .pipeline import DeviceData
    data = DeviceData(images, np.zeros(len(images)), torch.device("cpu"), model.spec.input_size,
                      normalization, get_augmentation("none"))
    with torch.no_grad():
        return torch.softmax(model.eval()(data.transform(data.x)), 1).numpy()
