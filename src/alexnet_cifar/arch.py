"""One declarative AlexNet spec per variant. Both backends build their models from these
specs, so the PyTorch and Keras networks cannot drift apart; shapes, parameter shapes and
counts, MACs and the initialisation are decided here, without a framework.

Layer order and names follow torchvision's AlexNet: ``features`` (convolutions),
``avgpool`` (adaptive average pool, or none), ``classifier`` (dropout before FC1 and FC2).
Without BatchNorm the ``alexnet`` variant's state_dict keys equal torchvision's.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from typing import Protocol

from .errors import ConfigError


class LayerKind(str, enum.Enum):
    CONV = "conv"
    RELU = "relu"
    LRN = "lrn"
    MAXPOOL = "maxpool"
    BATCHNORM = "batchnorm"
    AVGPOOL = "avgpool"  # adaptive average pool to ``out`` x ``out``
    DROPOUT = "dropout"
    LINEAR = "linear"


@dataclass(frozen=True)
class Init:
    """How a layer's weights start when training from scratch; biases start at zero.

    ``he-normal``: N(0, 2 / fan_out) with fan_out = kernel area x outputs, the ReLU gain;
    ``normal``: N(0, std).
    """

    kind: str
    std: float = 0.0


# torchvision's VGG recipe: He-normal (fan-out) convolutions, N(0, 0.01) linear layers. PyTorch's
# default uniform init learns much more slowly without BatchNorm.
HE_NORMAL_FAN_OUT = Init("he-normal")
NORMAL_001 = Init("normal", std=0.01)

# Caffe's LRN (local_size 5, alpha 1e-4, beta 0.75, k 1); each backend translates it into its
# framework's convention (PyTorch divides alpha by size, TensorFlow does not).
LRN_SIZE, LRN_ALPHA, LRN_BETA, LRN_K = 5, 1e-4, 0.75, 1.0

# BatchNorm as PyTorch defines it: eps 1e-5, running statistics updated with momentum 0.1.
BN_EPS, BN_MOMENTUM = 1e-5, 0.1


@dataclass(frozen=True)
class Layer:
    kind: LayerKind
    out: int = 0  # conv filters / linear units / adaptive pool side
    kernel: int = 0
    stride: int = 1
    padding: int = 0
    groups: int = 1
    p: float = 0.0  # dropout rate
    init: Init | None = None  # conv and linear layers

    @property
    def has_params(self) -> bool:
        return self.kind in (LayerKind.CONV, LayerKind.BATCHNORM, LayerKind.LINEAR)


def conv(out: int, kernel: int, stride: int = 1, padding: int = 0, groups: int = 1) -> Layer:
    return Layer(LayerKind.CONV, out, kernel, stride, padding, groups, init=HE_NORMAL_FAN_OUT)


def maxpool(kernel: int, stride: int) -> Layer:
    return Layer(LayerKind.MAXPOOL, kernel=kernel, stride=stride)


def dropout(p: float = 0.5) -> Layer:
    return Layer(LayerKind.DROPOUT, p=p)


def linear(out: int) -> Layer:
    return Layer(LayerKind.LINEAR, out=out, init=NORMAL_001)


def avgpool(side: int) -> Layer:
    return Layer(LayerKind.AVGPOOL, out=side)


RELU, LRN, BN = Layer(LayerKind.RELU), Layer(LayerKind.LRN), Layer(LayerKind.BATCHNORM)


@dataclass(frozen=True)
class LayerInfo:
    """One layer of a spec with what both frameworks need to know about it."""

    section: str  # features | avgpool | classifier
    index: int
    layer: Layer
    in_shape: tuple[int, ...]  # (C, H, W) or (units,)
    shape: tuple[int, ...]  # output (C, H, W) or (units,)
    params: int
    macs: int

    @property
    def name(self) -> str:
        """The PyTorch module path (``features.3``); Keras names the layer ``features_3``."""
        return self.section if self.section == "avgpool" else f"{self.section}.{self.index}"

    @property
    def keras_name(self) -> str:
        return self.name.replace(".", "_")

    def param_shapes(self) -> list[tuple[int, ...]]:
        """The layer's arrays in the Keras/TensorFlow layout (also the Caffe npy layout):
        conv ``[(kh, kw, in/groups, out), (out,)]``, linear ``[(in, out), (out,)]``, BatchNorm
        ``[gamma, beta, mean, var]``, each ``(channels,)``."""
        layer = self.layer
        if layer.kind is LayerKind.CONV:
            cin = self.in_shape[0] // layer.groups
            return [(layer.kernel, layer.kernel, cin, layer.out), (layer.out,)]
        if layer.kind is LayerKind.LINEAR:
            return [(self.in_shape[0], layer.out), (layer.out,)]
        if layer.kind is LayerKind.BATCHNORM:
            return [(self.in_shape[0],)] * 4
        return []


@dataclass(frozen=True)
class Spec:
    name: str
    input_size: int
    features: tuple[Layer, ...]
    avgpool: Layer | None  # adaptive average pool (None: flatten the feature map as it is)
    classifier: tuple[Layer, ...]
    num_classes: int
    batchnorm: bool
    notes: str = field(default="", compare=False)

    # -- derived facts, the same for every framework -------------------------------------
    def feature_shape(self) -> tuple[int, int, int]:
        """(C, H, W) after ``features`` and the adaptive pool."""
        return [r for r in self.layers() if r.section != "classifier"][-1].shape

    def layers(self) -> list[LayerInfo]:
        """Every layer with its input and output shapes, parameters and MACs."""
        rows: list[LayerInfo] = []
        c, h, w = 3, self.input_size, self.input_size
        for i, layer in enumerate(self.features):
            before, params, macs = (c, h, w), 0, 0
            if layer.kind is LayerKind.CONV:
                if c % layer.groups or layer.out % layer.groups:
                    raise ConfigError(
                        f"{self.name}: conv {i} has {c} inputs, {layer.out} "
                        f"outputs, not divisible into {layer.groups} groups"
                    )
                h = (h + 2 * layer.padding - layer.kernel) // layer.stride + 1
                w = (w + 2 * layer.padding - layer.kernel) // layer.stride + 1
                fan_in = c // layer.groups * layer.kernel**2
                params = fan_in * layer.out + layer.out
                macs = fan_in * layer.out * h * w
                c = layer.out
            elif layer.kind is LayerKind.MAXPOOL:
                h = (h - layer.kernel) // layer.stride + 1
                w = (w - layer.kernel) // layer.stride + 1
            elif layer.kind is LayerKind.BATCHNORM:
                params = 2 * c  # gamma, beta (running mean/var are buffers)
            if h < 1 or w < 1:
                raise ConfigError(
                    f"{self.name}: input {self.input_size} px is too small; the "
                    f"feature map vanishes at layer {i} ({layer.kind.value})"
                )
            rows.append(LayerInfo("features", i, layer, before, (c, h, w), params, macs))
        if self.avgpool is not None:
            before, h, w = (c, h, w), self.avgpool.out, self.avgpool.out
            rows.append(LayerInfo("avgpool", 0, self.avgpool, before, (c, h, w), 0, 0))
        units = c * h * w
        for i, layer in enumerate(self.classifier):
            before, params, macs = (units,), 0, 0
            if layer.kind is LayerKind.LINEAR:
                params = units * layer.out + layer.out
                macs = units * layer.out
                units = layer.out
            rows.append(LayerInfo("classifier", i, layer, before, (units,), params, macs))
        return rows

    def param_layers(self) -> list[LayerInfo]:
        """The layers that hold weights, in order."""
        return [r for r in self.layers() if r.layer.has_params]

    def num_params(self) -> int:
        return sum(r.params for r in self.layers())

    def macs(self) -> int:
        return sum(r.macs for r in self.layers())

    def to_dict(self) -> dict:
        return {
            "model": self.name,
            "input_size": self.input_size,
            "num_classes": self.num_classes,
            "batchnorm": self.batchnorm,
            "parameters": self.num_params(),
            "macs": self.macs(),
        }


def _with_batchnorm(features: tuple[Layer, ...]) -> tuple[Layer, ...]:
    out: list[Layer] = []
    for layer in features:
        out.append(layer)
        if layer.kind is LayerKind.CONV:
            out.append(BN)
    return tuple(out)


def _classifier(units: int, num_classes: int, p: float) -> tuple[Layer, ...]:
    return (dropout(p), linear(units), RELU, dropout(p), linear(units), RELU, linear(num_classes))


def _vgg16_features() -> tuple[Layer, ...]:
    # Keras applications' VGG16 without its top: 13 3x3 convs in 5 blocks; its ImageNet conv
    # weights load into these layers in order.
    features: list[Layer] = []
    for width, convs in ((64, 2), (128, 2), (256, 3), (512, 3), (512, 3)):
        for _ in range(convs):
            features += [conv(width, 3, 1, 1), RELU]
        features.append(maxpool(2, 2))
    return tuple(features)


@dataclass(frozen=True)
class Variant:
    """A variant's table entry: everything but the number of classes and BatchNorm."""

    input_size: int
    features: tuple[Layer, ...]
    avgpool: int | None  # adaptive average pool side (None: flatten the map as it is)
    units: int  # width of the two hidden linear layers
    notes: str


# fmt: off
VARIANTS = {
    "alexnet": Variant(
        224,
        (conv(64, 11, 4, 2), RELU, maxpool(3, 2), conv(192, 5, 1, 2), RELU, maxpool(3, 2),
         conv(384, 3, 1, 1), RELU, conv(256, 3, 1, 1), RELU, conv(256, 3, 1, 1), RELU,
         maxpool(3, 2)),
        6, 4096, 'torchvision layout ("one weird trick" AlexNet), 224 px, adaptive average pool '
                 "to 6x6"),
    "alexnet-caffe": Variant(
        227,
        (conv(96, 11, 4, 0), RELU, LRN, maxpool(3, 2),
         conv(256, 5, 1, 2, groups=2), RELU, LRN, maxpool(3, 2),
         conv(384, 3, 1, 1), RELU, conv(384, 3, 1, 1, groups=2), RELU,
         conv(256, 3, 1, 1, groups=2), RELU, maxpool(3, 2)),
        None, 4096, "the 2012 paper / BVLC net: 227 px, 2-group conv2/4/5, LRN after conv1 and "
                    "conv2"),
    # AlexNet's shape (5 convs, 3 FC, ReLU, dropout) at CIFAR's native 32 px: 3x3 kernels,
    # stride 1, 2x2 pools and narrower layers, about 100 MMAC, so a CPU trains it in minutes.
    "alexnet-cifar": Variant(
        32,
        (conv(64, 3, 1, 1), RELU, maxpool(2, 2), conv(128, 3, 1, 1), RELU, maxpool(2, 2),
         conv(256, 3, 1, 1), RELU, conv(256, 3, 1, 1), RELU, conv(128, 3, 1, 1), RELU,
         maxpool(2, 2)),
        None, 1024, "native 32 px: 3x3 convs, 2x2 pools, FC 2048-1024-1024-N"),
    # A global average pool and a small head replace VGG16's 120M-parameter classifier.
    "vgg16": Variant(
        224, _vgg16_features(), 1, 512,
        "VGG16 convolutions (keras.applications, no top), global average pool, head 512-512-N"),
}
# fmt: on


def get_spec(
    model: str, num_classes: int = 10, batchnorm: bool = False, dropout: float = 0.5
) -> Spec:
    """The spec of variant ``model`` with ``num_classes`` outputs, optionally with BatchNorm
    after every convolution, and ``dropout`` the rate of both dropout layers."""
    if model not in VARIANTS:
        raise ConfigError(f"unknown model {model!r}; choose one of {', '.join(VARIANTS)}")
    if not isinstance(num_classes, int) or num_classes < 1:
        raise ConfigError(f"num_classes must be a positive integer, got {num_classes!r}")
    if not 0 <= dropout < 1:
        raise ConfigError(f"--dropout must be in [0, 1), got {dropout!r}")
    v = VARIANTS[model]
    features = _with_batchnorm(v.features) if batchnorm else v.features
    pool = avgpool(v.avgpool) if v.avgpool else None
    return Spec(
        model,
        v.input_size,
        features,
        pool,
        _classifier(v.units, num_classes, dropout),
        num_classes,
        batchnorm,
        v.notes,
    )


def with_input_size(spec: Spec, size: int) -> Spec:
    return replace(spec, input_size=size)


class ModelSettings(Protocol):
    """What a spec is made from: TrainConfig has these fields (arch does not import config)."""

    model: str
    num_classes: int
    batchnorm: bool
    dropout: float
    input_size: int | None


def spec_for(settings: ModelSettings) -> Spec:
    """The spec a run config asks for: its variant, classes, BatchNorm, dropout, input size."""
    spec = get_spec(settings.model, settings.num_classes, settings.batchnorm, settings.dropout)
    return with_input_size(spec, settings.input_size) if settings.input_size else spec
