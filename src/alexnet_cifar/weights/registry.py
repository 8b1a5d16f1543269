"""Every fact about a pretrained ImageNet source in one table, in the spirit of timm's
``default_cfgs``: its file, where it comes from and how it is checked, the input convention it
was trained with, the spec it fits, who reads it, and which layers are new when fine-tuning.

No framework is imported here; imagenet.py reads and ports a source's file for a model.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..arch import LayerInfo, Spec
from ..data.cache import cache_root
from ..errors import WeightsError


def torch_hub_dir() -> Path:
    home = (
        os.environ.get("TORCH_HOME")
        or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "torch"
    )
    return Path(home) / "hub" / "checkpoints"


def keras_models_dir() -> Path:
    return Path(os.environ.get("KERAS_HOME") or Path.home() / ".keras") / "models"


def weights_dir() -> Path:
    return cache_root() / "weights"


@dataclass(frozen=True)
class PretrainedSource:
    name: str
    title: str  # what a message calls it
    model: str  # the arch variant whose layers its tensors fit
    frameworks: tuple[str, ...]  # who fine-tunes from it (the other one through a port)
    file_name: str
    url: str | None  # None: no official download with a checksum; the user supplies the file
    checksum: str | None  # how the download is checked
    page: str  # where a user without the download finds the file
    cache_dir: Callable[[], Path]  # where a download (or a copy put by hand) is looked for
    input_size: int
    normalization: str  # a preprocess.NORMALIZATIONS name
    reader: str  # numpy | pytorch | keras: who reads the file, returning that layout
    has_classifier: bool  # the file holds the ImageNet classifier (else the whole head is new)


# fmt: off
SOURCES = {s.name: s for s in (
    PretrainedSource(
        name="torchvision", title="torchvision's AlexNet ImageNet weights", model="alexnet",
        frameworks=("pytorch", "keras"), file_name="alexnet-owt-7be5be79.pth",
        url="https://download.pytorch.org/models/alexnet-owt-7be5be79.pth",
        checksum="sha256 prefix 7be5be79 (torch.hub checks the hash in the file name)",
        page="https://pytorch.org/vision/stable/models/alexnet.html", cache_dir=torch_hub_dir,
        input_size=224, normalization="imagenet", reader="pytorch", has_classifier=True),
    PretrainedSource(
        name="caffe-npy", title="the Caffe AlexNet weights", model="alexnet-caffe",
        frameworks=("keras", "pytorch"), file_name="bvlc_alexnet.npy", url=None, checksum=None,
        page="https://www.cs.toronto.edu/~guerzhoy/tf_alexnet/", cache_dir=weights_dir,
        input_size=227, normalization="caffe", reader="numpy", has_classifier=True),
    PretrainedSource(
        name="keras-vgg16", title="Keras VGG16 ImageNet weights", model="vgg16",
        frameworks=("keras",), file_name="vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5",
        url="https://storage.googleapis.com/tensorflow/keras-applications/vgg16/"
            "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5",
        checksum="md5 6d6bbae143d832006294945121d1f1fc (checked by keras.utils.get_file)",
        page="https://keras.io/api/applications/vgg/", cache_dir=keras_models_dir,
        input_size=224, normalization="caffe", reader="keras", has_classifier=False),
)}
# fmt: on

# What a reader is: (source, ImageNet spec, --weights path or None, progress) -> the weights in
# the reader's layout. weights/caffe.py holds the numpy one; each backend registers its own in
# its IMAGENET_READERS, keyed by source name.
Reader = Callable[[PretrainedSource, Spec, "str | None", bool], dict]


def source_for(framework: str, model: str) -> PretrainedSource | None:
    """The ImageNet weights a (framework, model) fine-tunes from, if any."""
    return next(
        (s for s in SOURCES.values() if s.model == model and framework in s.frameworks), None
    )


def pretrained_rows() -> list[tuple[str, str]]:
    """Every (framework, model) that ``--init imagenet`` works for."""
    return [(f, s.model) for s in SOURCES.values() for f in s.frameworks]


def new_layers(source: PretrainedSource, spec: Spec) -> list[LayerInfo]:
    """The weight-holding layers a fine-tune starts fresh: the whole head where the file has no
    classifier, else the last layer unless the spec keeps ImageNet's 1000 classes."""
    head = [r for r in spec.param_layers() if r.section == "classifier"]
    if not source.has_classifier:
        return head
    return head[-1:] if spec.num_classes != 1000 else []


def new_names(source: PretrainedSource | None, spec: Spec, framework: str) -> set[str]:
    """``new_layers`` by the names ``framework`` gives them: state_dict keys for PyTorch,
    layer names for Keras."""
    if source is None:
        return set()
    return layer_names(new_layers(source, spec), framework)


def layer_names(layers: list[LayerInfo], framework: str) -> set[str]:
    """The names ``framework`` gives these weight-holding layers' weights: state_dict keys
    for PyTorch, layer names for Keras."""
    if framework == "keras":
        return {r.keras_name for r in layers}
    return {f"{r.name}.{k}" for r in layers for k in ("weight", "bias")}


def explicit_file(path: str | None, source: PretrainedSource) -> Path | None:
    """``--weights PATH`` checked to exist; None when no path was given."""
    if path is None:
        return None
    p = Path(path).expanduser()
    if not p.is_file():
        raise WeightsError(f"--weights {path}: no such file (expected {source.file_name})")
    return p


def local_file(path: str | None, source: PretrainedSource) -> Path:
    """For a source without a download: ``--weights``, else the file in its cache folder."""
    found = explicit_file(path, source)
    if found:
        return found
    cached = source.cache_dir() / source.file_name
    if cached.is_file():
        return cached
    raise WeightsError(
        f"{source.title} are not here: pass --weights path/to/{source.file_name} "
        f"(from {source.page}), or put the file at {cached}"
    )


def download_failed(source: PretrainedSource, reason: str) -> WeightsError:
    return WeightsError(
        f"could not download {source.title} from {source.url} ({reason}). Without internet, "
        f"put {source.file_name} into {source.cache_dir()}/ or pass --weights "
        f"path/to/{source.file_name}"
    )
