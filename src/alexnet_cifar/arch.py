"""One declarative AlexNet spec per variant. Both backends build their models from these
specs, so the PyTorch and Keras networks cannot drift apart; shapes, parameter counts and MACs
are computed here, without a framework.

Layer order and names follow torchvision's AlexNet: ``features`` (convolutions),
``avgpool`` (adaptive average pool, or none), ``classifier`` (dropout before FC1 and FC2).
Without BatchNorm the ``alexnet`` variant's state_dict keys equal torchvision's.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from .errors import ConfigError


@dataclass(frozen=True)
class Layer:
    kind: str  # conv | relu | lrn | maxpool | batchnorm | dropout | linear
    out: int = 0  # conv filters / linear units
    kernel: int = 0
    stride: int = 1
    padding: int = 0
    groups: int = 1
    p: float = 0.0  # dropout rate


def conv(out, kernel, stride=1, padding=0, groups=1) -> Layer:
    return Layer("conv", out=out, kernel=kernel, stride=stride, padding=padding, groups=groups)


def maxpool(kernel, stride) -> Layer:
    return Layer("maxpool", kernel=kernel, stride=stride)


RELU, LRN, BN = Layer("relu"), Layer("lrn"), Layer("batchnorm")


def dropout(p=0.5) -> Layer:
    return Layer("dropout", p=p)


def linear(out) -> Layer:
    return Layer("linear", out=out)


# Initialisation for training from scratch, the same in both backends: He-normal (fan-out,
# ReLU gain) for convolutions, N(0, 0.01) for linear layers, zero biases (torchvision's VGG
# recipe). PyTorch's default uniform init learns much more slowly without BatchNorm.
INIT_LINEAR_STD = 0.01

# Caffe's LRN (local_size 5, alpha 1e-4, beta 0.75, k 1); each backend translates it into its
# framework's convention (PyTorch divides alpha by size, TensorFlow does not).
LRN_SIZE, LRN_ALPHA, LRN_BETA, LRN_K = 5, 1e-4, 0.75, 1.0


@dataclass(frozen=True)
class Spec:
    name: str
    input_size: int
    features: tuple[Layer, ...]
    classifier: tuple[Layer, ...]
    pool_to: int | None  # adaptive average pool output size (None: flatten the feature map)
    num_classes: int
    batchnorm: bool
    notes: str = field(default="", compare=False)

    # -- derived facts, the same for every framework -------------------------------------
    def feature_shape(self) -> tuple[int, int, int]:
        """(C, H, W) after ``features`` and the adaptive pool."""
        rows = self.layers()
        pooled = [r for r in rows if r.section != "classifier"][-1]
        return pooled.shape

    def layers(self) -> list["LayerInfo"]:
        """Every layer with its output shape (C, H, W or units), parameters and MACs."""
        rows: list[LayerInfo] = []
        c, h, w = 3, self.input_size, self.input_size
        for i, layer in enumerate(self.features):
            params = macs = 0
            if layer.kind == "conv":
                if c % layer.groups or layer.out % layer.groups:
                    raise ConfigError(f"{self.name}: conv {i} has {c} inputs, {layer.out} "
                                      f"outputs, not divisible into {layer.groups} groups")
                h = (h + 2 * layer.padding - layer.kernel) // layer.stride + 1
                w = (w + 2 * layer.padding - layer.kernel) // layer.stride + 1
                fan_in = c // layer.groups * layer.kernel ** 2
                params = fan_in * layer.out + layer.out
                macs = fan_in * layer.out * h * w
                c = layer.out
            elif layer.kind == "maxpool":
                h = (h - layer.kernel) // layer.stride + 1
                w = (w - layer.kernel) // layer.stride + 1
            elif layer.kind == "batchnorm":
                params = 2 * c  # gamma, beta (running mean/var are buffers)
            if h < 1 or w < 1:
                raise ConfigError(f"{self.name}: input {self.input_size} px is too small; the "
                                  f"feature map vanishes at layer {i} ({layer.kind})")
            rows.append(LayerInfo("features", i, layer, (c, h, w), params, macs))
        if self.pool_to is not None:
            h = w = self.pool_to
            rows.append(LayerInfo("avgpool", 0, Layer("avgpool", out=self.pool_to), (c, h, w), 0, 0))
        units = c * h * w
        for i, layer in enumerate(self.classifier):
            params = macs = 0
            if layer.kind == "linear":
                params = units * layer.out + layer.out
                macs = units * layer.out
                units = layer.out
            rows.append(LayerInfo("classifier", i, layer, (units,), params, macs))
        return rows

    def num_params(self) -> int:
        return sum(r.params for r in self.layers())

    def macs(self) -> int:
        return sum(r.macs for r in self.layers())

    def to_dict(self) -> dict:
        return {"model": self.name, "input_size": self.input_size,
                "num_classes": self.num_classes, "batchnorm": self.batchnorm,
                "parameters": self.num_params(), "macs": self.macs()}


@dataclass(frozen=True)
class LayerInfo:
    section: str
    index: int
    layer: Layer
    shape: tuple[int, ...]
    params: int
    macs: int

    @property
    def name(self) -> str:
        return self.section if self.section == "avgpool" else f"{self.section}.{self.index}"


def _with_batchnorm(features: tuple[Layer, ...]) -> tuple[Layer, ...]:
    out: list[Layer] = []
    for layer in features:
        out.append(layer)
        if layer.kind == "conv":
            out.append(BN)
    return tuple(out)


def _classifier(units: int, num_classes: int) -> tuple[Layer, ...]:
    return (dropout(), linear(units), RELU, dropout(), linear(units), RELU, linear(num_classes))


def _alexnet():
    features = (conv(64, 11, 4, 2), RELU, maxpool(3, 2),
                conv(192, 5, 1, 2), RELU, maxpool(3, 2),
                conv(384, 3, 1, 1), RELU, conv(256, 3, 1, 1), RELU, conv(256, 3, 1, 1), RELU,
                maxpool(3, 2))
    return 224, features, 6, 4096, ("torchvision layout (\"one weird trick\" AlexNet), 224 px, "
                                    "adaptive average pool to 6x6")


def _alexnet_caffe():
    features = (conv(96, 11, 4, 0), RELU, LRN, maxpool(3, 2),
                conv(256, 5, 1, 2, groups=2), RELU, LRN, maxpool(3, 2),
                conv(384, 3, 1, 1), RELU, conv(384, 3, 1, 1, groups=2), RELU,
                conv(256, 3, 1, 1, groups=2), RELU, maxpool(3, 2))
    return 227, features, None, 4096, ("the 2012 paper / BVLC net: 227 px, 2-group conv2/4/5, "
                                       "LRN after conv1 and conv2")


def _alexnet_cifar():
    # AlexNet's shape (5 convs, 3 FC, ReLU, dropout) at CIFAR's native 32 px: 3x3 kernels,
    # stride 1, 2x2 pools and narrower layers, about 100 MMAC, so a CPU trains it in minutes.
    features = (conv(64, 3, 1, 1), RELU, maxpool(2, 2),
                conv(128, 3, 1, 1), RELU, maxpool(2, 2),
                conv(256, 3, 1, 1), RELU, conv(256, 3, 1, 1), RELU, conv(128, 3, 1, 1), RELU,
                maxpool(2, 2))
    return 32, features, None, 1024, "native 32 px: 3x3 convs, 2x2 pools, FC 2048-1024-1024-N"


def _vgg16():
    # Keras applications' VGG16 without its top: 13 3x3 convs in 5 blocks; its ImageNet conv
    # weights load into these layers in order. A global average pool and a small head replace
    # the 120M-parameter ImageNet classifier.
    features = []
    for width, convs in ((64, 2), (128, 2), (256, 3), (512, 3), (512, 3)):
        for _ in range(convs):
            features += [conv(width, 3, 1, 1), RELU]
        features.append(maxpool(2, 2))
    return 224, tuple(features), 1, 512, ("VGG16 convolutions (keras.applications, no top), "
                                          "global average pool, head 512-512-N")


VARIANTS = {"alexnet": _alexnet, "alexnet-caffe": _alexnet_caffe, "alexnet-cifar": _alexnet_cifar,
            "vgg16": _vgg16}


def get_spec(model: str, num_classes: int = 10, batchnorm: bool = False) -> Spec:
    if model not in VARIANTS:
        raise ConfigError(f"unknown model {model!r}; choose one of {', '.join(VARIANTS)}")
    if not isinstance(num_classes, int) or num_classes < 1:
        raise ConfigError(f"num_classes must be a positive integer, got {num_classes!r}")
    input_size, features, pool_to, units, notes = VARIANTS[model]()
    if batchnorm:
        features = _with_batchnorm(features)
    return Spec(model, input_size, features, _classifier(units, num_classes), pool_to,
                num_classes, batchnorm, notes)


def with_input_size(spec: Spec, size: int) -> Spec:
    return replace(spec, input_size=size)
