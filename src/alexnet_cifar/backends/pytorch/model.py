"""The PyTorch AlexNet, built layer by layer from an arch.Spec.

Module names follow torchvision (`features`, `avgpool`, `classifier`), so for the `alexnet`
spec without BatchNorm the state_dict keys equal `torchvision.models.alexnet`'s.
"""

from __future__ import annotations

import pickle

import numpy as np
import torch
from torch import nn

from ...arch import (
    BN_EPS,
    BN_MOMENTUM,
    LRN_ALPHA,
    LRN_BETA,
    LRN_K,
    LRN_SIZE,
    Init,
    LayerInfo,
    LayerKind,
    Spec,
)
from ...errors import WeightsError
from ...system import atomic
from ...weights.port import check_shapes
from ...weights.registry import PretrainedSource, download_failed, explicit_file
from .precision import Precision


class Float32LRN(nn.LocalResponseNorm):
    """LRN computed in float32 under autocast too, as Keras must (training/precision.py)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        with torch.autocast(x.device.type, enabled=False):
            return super().forward(x.float())


def _layer(info: LayerInfo) -> nn.Module:
    layer, kind = info.layer, info.layer.kind
    if kind is LayerKind.CONV:
        return nn.Conv2d(
            info.in_shape[0],
            layer.out,
            layer.kernel,
            layer.stride,
            layer.padding,
            groups=layer.groups,
        )
    if kind is LayerKind.LINEAR:
        return nn.Linear(info.in_shape[0], layer.out)
    if kind is LayerKind.RELU:
        return nn.ReLU(inplace=True)
    if kind is LayerKind.LRN:
        # PyTorch divides alpha by the window size itself, as Caffe does.
        return Float32LRN(LRN_SIZE, alpha=LRN_ALPHA, beta=LRN_BETA, k=LRN_K)
    if kind is LayerKind.MAXPOOL:
        return nn.MaxPool2d(layer.kernel, layer.stride)
    if kind is LayerKind.BATCHNORM:
        return nn.BatchNorm2d(info.in_shape[0], eps=BN_EPS, momentum=BN_MOMENTUM)
    if kind is LayerKind.DROPOUT:
        return nn.Dropout(layer.p)
    if kind is LayerKind.AVGPOOL:
        return nn.AdaptiveAvgPool2d(layer.out)
    raise ValueError(f"no PyTorch layer for {kind.value!r}")


def _initialise(module: nn.Module, init: Init) -> None:
    if init.kind == "he-normal":
        nn.init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")
    elif init.kind == "normal":
        nn.init.normal_(module.weight, 0.0, init.std)
    else:
        raise ValueError(f"no PyTorch initialiser for {init.kind!r}")
    nn.init.zeros_(module.bias)


def layer_alone(info: LayerInfo) -> nn.Module:
    """Spec layer ``info`` as the model builds and initialises it, on its own (bench --layers)."""
    module = _layer(info)
    if info.layer.init is not None:
        _initialise(module, info.layer.init)
    return module


class AlexNet(nn.Module):
    """Takes a preprocessed NCHW float batch at ``spec.input_size``; returns logits."""

    def __init__(self, spec: Spec):
        super().__init__()
        self.spec = spec
        built = [(info, _layer(info)) for info in spec.layers()]
        sections: dict[str, list[nn.Module]] = {"features": [], "avgpool": [], "classifier": []}
        for info, module in built:
            sections[info.section].append(module)
        self.features = nn.Sequential(*sections["features"])
        self.avgpool = sections["avgpool"][0] if sections["avgpool"] else nn.Identity()
        self.classifier = nn.Sequential(*sections["classifier"])
        # after every module exists, so a seed gives the same weights as it always has
        for info, module in built:
            if info.layer.init is not None:
                _initialise(module, info.layer.init)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = torch.flatten(self.avgpool(self.features(x)), 1)
        *hidden, last = self.classifier
        for module in hidden:
            x = module(x)
        # the logits in float32 under autocast too (training/precision.py)
        with torch.autocast(x.device.type, enabled=False):
            return last(x.float())


def build(spec: Spec, seed: int | None = None, precision: str = "fp32") -> AlexNet:
    """The model of ``spec``, its initialisation drawn from ``seed`` when given. Its weights
    stay float32; ``precision`` is what predict_proba's autocast runs in (training runs its
    own)."""
    if seed is not None:
        torch.manual_seed(seed)
    model = AlexNet(spec)
    model.precision = precision
    return model


# -- weight I/O, the same functions in both backends ----------------------------------------
def export_weights(model: AlexNet) -> dict:
    """state_dict as float32 NumPy arrays (BatchNorm's batch counter left out)."""
    return {
        k: v.detach().cpu().numpy()
        for k, v in model.state_dict().items()
        if not k.endswith("num_batches_tracked")
    }


def import_weights(
    model: AlexNet, weights: dict, fresh: set[str] | frozenset = frozenset()
) -> None:
    """Copy ``weights`` (state_dict keys -> arrays) in, every shape checked; only the keys in
    ``fresh`` (a new head) may be missing, and keep their initialisation."""
    own = model.state_dict()
    check_shapes(
        {k: [tuple(t.shape)] for k, t in own.items() if not k.endswith("num_batches_tracked")},
        {k: [tuple(np.shape(v))] for k, v in weights.items()},
        fresh,
        "key",
    )
    with torch.no_grad():
        for key, value in weights.items():
            own[key].copy_(torch.as_tensor(value))


def load_file(path, spec: Spec | None = None) -> dict:
    """A state_dict file (.pt/.pth), or a run checkpoint; never unpickles code."""
    try:
        obj = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        if "weights only" not in str(exc).lower():  # a pickle cut short, not a refusal
            raise WeightsError(f"{path}: not a loadable PyTorch weights file ({exc})") from None
        raise WeightsError(
            f"{path}: refused: it holds Python objects besides tensors, and loading those "
            "could run code; only state_dict files (tensors by name) are read"
        ) from None
    except Exception as exc:  # torch raises RuntimeError, OSError, EOFError...
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise WeightsError(
            f"{path}: not a loadable PyTorch weights file ({first}); it may be cut short"
        ) from None
    if isinstance(obj, dict) and "model" in obj and isinstance(obj["model"], dict):
        obj = obj["model"]  # a run checkpoint
    if not isinstance(obj, dict) or not all(isinstance(v, torch.Tensor) for v in obj.values()):
        raise WeightsError(
            f"{path}: holds a {type(obj).__name__}, not a state_dict (layer name -> tensor); "
            "save model.state_dict()"
        )
    return {k: v.numpy() for k, v in obj.items() if not k.endswith("num_batches_tracked")}


def read_torchvision(
    source: PretrainedSource, spec: Spec, path: str | None = None, progress: bool = True
) -> dict:
    """The registry's reader for ``torchvision`` (AlexNet_Weights.IMAGENET1K_V1) as NumPy
    arrays: a local file, else the torch.hub cache, else a download (torch.hub checks the
    hash in the file name)."""
    local = explicit_file(path, source)
    if local is not None:
        return load_file(local)
    from torchvision.models import AlexNet_Weights

    try:
        sd = AlexNet_Weights.IMAGENET1K_V1.get_state_dict(
            progress=progress, check_hash=True, weights_only=True
        )
    except (OSError, RuntimeError, ValueError) as exc:  # URLError is an OSError
        raise download_failed(source, str(exc)) from exc
    return {k: v.numpy() for k, v in sd.items()}


IMAGENET_READERS = {"torchvision": read_torchvision}


def imagenet_categories() -> list[str]:
    from torchvision.models import AlexNet_Weights

    return list(AlexNet_Weights.IMAGENET1K_V1.meta["categories"])


def save_file(model: AlexNet, path) -> None:
    with atomic.atomic_path(path) as tmp:
        save_torch(model.state_dict(), tmp)


def save_torch(obj, path) -> None:
    """torch.save into a file of ours. Given a path, torch's zip writer that fails on a full
    disk keeps its file open until the exception is collected, so removing the temporary file
    frees no space and the run cannot even record that it failed; our file closes at once."""
    with open(path, "wb") as f:
        torch.save(obj, f)


def predict_proba(model: AlexNet, images, normalization) -> np.ndarray:
    """Softmax probabilities for uint8 NHWC images, through the training input pipeline."""

    from ...preprocess import get_augmentation
    from .pipeline import Pipeline

    data = Pipeline(
        images,
        np.zeros(len(images)),
        torch.device("cpu"),
        model.spec.input_size,
        normalization,
        get_augmentation("none"),
    )
    with torch.no_grad(), Precision(model.precision, torch.device("cpu")).autocast():
        return torch.softmax(model.eval()(data.transform(data.images)), 1).numpy()
